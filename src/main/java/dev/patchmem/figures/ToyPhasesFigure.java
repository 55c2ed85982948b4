package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Figure 1: the toy phases run (unconditional, 2-D): samples against the training points at an
 * under-fit, a p_true-like and a memorized checkpoint, with the phase metrics, and the metrics
 * against training step. Reads the run's summary.json and eval/step-NNNNNNN/ arrays.
 */
public final class ToyPhasesFigure {

    private ToyPhasesFigure() {
    }

    /** Draws into {@code outDir}; null when {@code runDir} holds no finished phases run. */
    public static RunFigure.Drawn draw(Path runDir, Path outDir) throws IOException {
        Path summaryFile = runDir.resolve("summary.json");
        if (!Files.isRegularFile(summaryFile)) {
            return null;
        }
        JsonNode s = Json.MAPPER.readTree(summaryFile.toFile());
        List<Integer> steps = new ArrayList<>();
        s.get("steps").forEach(n -> steps.add(n.asInt()));
        int[] picks = {pick(runDir, steps, "underfit", true), pick(runDir, steps, "generalizing", true),
            pick(runDir, steps, "memorized", true)};
        List<JFreeChart> charts = new ArrayList<>();
        String[] names = {"under-fit", "close to p_true", "memorized"};
        for (int k = 0; k < 3; k++) {
            if (picks[k] < 0) {
                continue;
            }
            int step = steps.get(picks[k]);
            Path dir = runDir.resolve("eval").resolve(String.format("step-%07d", step));
            JsonNode e = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
            charts.add(scatter(String.format(Locale.ROOT, "%s: step %d, log-lik %.2f, memorized %.0f%%", names[k], step,
                    e.get("meanLogLikelihood").asDouble(), 100 * e.get("memorizedFraction").asDouble()),
                    Npy.read(dir.resolve("samples.npy")), Npy.read(dir.resolve("train_dst.npy"))));
        }
        charts.add(metrics(s, steps));
        Files.createDirectories(outDir);
        Path png = outDir.resolve("toy-phases.png");
        Charts.png(png, Charts.grid("Toy: under-fit, p_true and memorization phases", charts, 4, 340, 320));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            rows.add(steps.get(i) + "," + s.get("meanLogLikelihood").get(i).asDouble() + ","
                    + s.get("memorizedFraction").get(i).asDouble() + "," + s.get("meanD1").get(i).asDouble());
        }
        Path csv = outDir.resolve("toy-phases.csv");
        Charts.csv(csv, "step,mean_log_likelihood,memorized_fraction,mean_d1", rows);
        return new RunFigure.Drawn("Toy: the three phases of training", String.format(Locale.ROOT,
                "Samples (dots) of an unconditional model trained on %d points (crosses) drawn from a Gaussian mixture"
                        + " p_true, at three checkpoints; right: the fraction memorized (d1/d2 < 1/3) and the mean"
                        + " log-likelihood of the samples under p_true (fresh p_true samples score %.2f, dashed) against"
                        + " step.",
                s.get("trainPoints").asInt(), s.get("reference").get("freshLogLikelihood").asDouble()), List.of(png, csv));
    }

    // The first checkpoint whose eval summary names phase {@code phase}, or -1.
    private static int pick(Path runDir, List<Integer> steps, String phase, boolean first) throws IOException {
        int found = -1;
        for (int i = 0; i < steps.size(); i++) {
            Path f = runDir.resolve("eval").resolve(String.format("step-%07d", steps.get(i))).resolve("summary.json");
            if (Files.isRegularFile(f) && phase.equals(Json.MAPPER.readTree(f.toFile()).path("phase").asText())) {
                found = i;
                if (first) {
                    break;
                }
            }
        }
        return found;
    }

    private static JFreeChart scatter(String title, NpyArray samples, NpyArray train) {
        XYSeries s = new XYSeries("samples");
        float[] v = samples.data();
        for (int i = 0; i + 1 < v.length; i += 2) {
            s.add(v[i], v[i + 1]);
        }
        XYSeries t = new XYSeries("training points");
        for (int i = 0; i + 1 < train.data().length; i += 2) {
            t.add(train.data()[i], train.data()[i + 1]);
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        ds.addSeries(s);
        ds.addSeries(t);
        JFreeChart c = ChartFactory.createScatterPlot(title, "x1", "x2", ds, PlotOrientation.VERTICAL, false, false,
                false);
        XYPlot p = c.getXYPlot();
        XYLineAndShapeRenderer r = (XYLineAndShapeRenderer) p.getRenderer();
        r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1, -1, 2, 2));
        r.setSeriesShape(1, org.jfree.chart.util.ShapeUtils.createDiagonalCross(4, 1));
        double[] view = frame(train.data());
        p.getDomainAxis().setRange(view[0], view[1]);
        p.getRangeAxis().setRange(view[0], view[1]);
        c.getTitle().setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 11));
        return c;
    }

    /**
     * The square view of a scatter panel, the same {low, high} on both axes: the training points'
     * bounding box with a margin of 1 (the mixture's spread), at least [-2.5, 2.5].
     */
    static double[] frame(float[] points) {
        double lo = -2.5;
        double hi = 2.5;
        for (float v : points) {
            lo = Math.min(lo, v - 1);
            hi = Math.max(hi, v + 1);
        }
        return new double[] {lo, hi};
    }

    /**
     * Memorized fraction (left axis, 0 to 1) and mean log p_true of the samples (right axis, with the
     * level of fresh p_true samples as a dashed line) against step. The log-likelihood axis spans 3 nats
     * below the fresh level to 1 above it: an under-fit checkpoint scores thousands of nats lower and
     * would flatten the rest, so it leaves the panel at the bottom.
     */
    private static JFreeChart metrics(JsonNode s, List<Integer> steps) {
        XYSeries ll = new XYSeries("mean log p_true of samples (right)");
        XYSeries mem = new XYSeries("memorized fraction (left)");
        double fresh = s.get("reference").get("freshLogLikelihood").asDouble();
        for (int i = 0; i < steps.size(); i++) {
            ll.add((double) steps.get(i), s.get("meanLogLikelihood").get(i).asDouble());
            mem.add((double) steps.get(i), s.get("memorizedFraction").get(i).asDouble());
        }
        JFreeChart c = ChartFactory.createXYLineChart("phase metrics", "training step", "memorized fraction",
                new XYSeriesCollection(mem), PlotOrientation.VERTICAL, true, false, false);
        XYPlot p = c.getXYPlot();
        p.getRangeAxis().setRange(0, 1.02);
        NumberAxis right = new NumberAxis("mean log p_true");
        right.setRange(fresh - 3, fresh + 1);
        p.setRangeAxis(1, right);
        p.setDataset(1, new XYSeriesCollection(ll));
        p.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, Charts.PALETTE[1]);
        p.setRenderer(1, r);
        ValueMarker level = new ValueMarker(fresh, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        level.setLabel("fresh p_true samples");
        level.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        level.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
        level.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        p.addRangeMarker(1, level, Layer.FOREGROUND);
        c.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        return c;
    }
}
