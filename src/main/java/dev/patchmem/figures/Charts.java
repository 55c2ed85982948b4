package dev.patchmem.figures;

import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.NpyArray;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

/** Shared figure plumbing: PNG and CSV output (atomic), chart grids, and patches as pictures. */
public final class Charts {

    /** Series colours, colour-blind safe (Okabe-Ito). */
    public static final Color[] PALETTE = {new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
        new Color(204, 121, 167), new Color(230, 159, 0), new Color(86, 180, 233), new Color(240, 228, 66),
        Color.DARK_GRAY};

    private Charts() {
    }

    /** Writes {@code chart} as a {@code w} x {@code h} PNG. */
    public static void png(Path file, JFreeChart chart, int w, int h) throws IOException {
        style(chart);
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, w, h));
    }

    /** Writes {@code image} as PNG. */
    public static void png(Path file, BufferedImage image) throws IOException {
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }

    /** Writes a CSV file: a header line and rows. */
    public static void csv(Path file, String header, List<String> rows) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        rows.forEach(r -> sb.append(r).append('\n'));
        AtomicFiles.write(file, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A white, readable look for every chart. */
    public static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        }
        if (chart.getPlot() instanceof XYPlot p) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(220, 220, 220));
            p.setRangeGridlinePaint(new Color(220, 220, 220));
            for (int i = 0; i < p.getSeriesCount(); i++) {
                p.getRenderer().setSeriesPaint(i, PALETTE[i % PALETTE.length]);
                p.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
            }
        }
    }

    /** Draws charts into a grid of {@code cols} columns, each cell {@code w} x {@code h}, under a title. */
    public static BufferedImage grid(String title, List<JFreeChart> charts, int cols, int w, int h) {
        int rows = (charts.size() + cols - 1) / cols;
        int top = 36;
        BufferedImage img = new BufferedImage(cols * w, rows * h + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 10, 24);
        for (int i = 0; i < charts.size(); i++) {
            style(charts.get(i));
            charts.get(i).draw(g, new Rectangle2D.Double((i % cols) * w, top + (i / cols) * h, w, h));
        }
        g.dispose();
        return img;
    }

    /** Row {@code row} of a (M, 3, P, P) array in [-1, 1] as an RGB picture, each pixel {@code scale} wide. */
    public static BufferedImage patch(NpyArray a, int row, int scale) {
        int p = (int) a.shape()[2];
        int plane = p * p;
        float[] v = a.data();
        int base = row * a.rowSize();
        BufferedImage img = new BufferedImage(p * scale, p * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < p; y++) {
            for (int x = 0; x < p; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int q = (int) Math.round((Math.max(-1, Math.min(1, v[base + c * plane + y * p + x])) + 1) * 127.5);
                    rgb = (rgb << 8) | q;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x * scale + dx, y * scale + dy, rgb);
                    }
                }
            }
        }
        return img;
    }

    /** Pictures side by side with captions under each. */
    public static BufferedImage strip(List<BufferedImage> images, List<String> captions) {
        int gap = 12;
        int w = images.stream().mapToInt(BufferedImage::getWidth).sum() + gap * (images.size() + 1);
        int h = images.stream().mapToInt(BufferedImage::getHeight).max().orElse(0) + 40;
        BufferedImage out = new BufferedImage(Math.max(w, 10), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = gap;
        for (int i = 0; i < images.size(); i++) {
            g.drawImage(images.get(i), x, 8, null);
            g.drawString(captions.get(i), x, images.get(i).getHeight() + 26);
            x += images.get(i).getWidth() + gap;
        }
        g.dispose();
        return out;
    }
}
