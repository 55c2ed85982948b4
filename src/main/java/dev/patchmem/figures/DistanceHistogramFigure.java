package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.StudyConfig;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.statistics.HistogramDataset;

/**
 * Figures 3 and 4: for one generated patch (the first sample of condition set {@code set}), the
 * histogram of its L2 distances d = ||g - x||_2 / sqrt(D) to every training patch at each evaluated
 * checkpoint, and at the last checkpoint the condition, the generated patch and its nearest
 * training patch.
 */
public record DistanceHistogramFigure(String set, String label) implements RunFigure {

    private static final int MAX_PANELS = 8;

    @Override
    public Drawn draw(EvalRecords rec, Path outDir) throws IOException {
        List<Integer> panels = panels(rec.checkpoints().size());
        if (!Files.exists(rec.dir(rec.lastIndex()).resolve(set).resolve("raw.npy"))) {
            return null;
        }
        List<JFreeChart> charts = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        for (int i : panels) {
            Path dir = rec.dir(i).resolve(set);
            NpyArray raw = Npy.read(dir.resolve("raw.npy"));
            double[] d = new double[raw.rowSize()];
            for (int j = 0; j < d.length; j++) {
                d[j] = raw.data()[j];
                rows.add(rec.checkpoints().get(i).get("step").asInt() + "," + j + "," + raw.data()[j]);
            }
            double[] nearest = nearest(dir);
            HistogramDataset ds = new HistogramDataset();
            ds.addSeries("d to training patches", d, 40);
            JFreeChart c = ChartFactory.createHistogram(String.format(Locale.ROOT, "step %d: d1 %.3f, d1/d2 %.2f",
                    rec.checkpoints().get(i).get("step").asInt(), nearest[0], nearest[1]), "d = L2 / sqrt(D)",
                    "training patches", ds, PlotOrientation.VERTICAL, false, false, false);
            c.getXYPlot().addDomainMarker(new ValueMarker(nearest[0], Charts.PALETTE[1], new java.awt.BasicStroke(2f)));
            charts.add(c);
        }
        String stem = "distances-" + set;
        Path png = outDir.resolve(stem + ".png");
        Charts.png(png, Charts.grid("Distances from one generated " + label + " patch to all training patches",
                charts, 4, 320, 240));
        Path csv = outDir.resolve(stem + ".csv");
        Charts.csv(csv, "step,training_index,d", rows);
        Path patches = outDir.resolve(stem + "-patches.png");
        Charts.png(patches, pictures(rec));
        return new Drawn("Distances to all training patches: " + label + " condition",
                "Each panel: the histogram of d from the first generated sample of the " + set + " condition set to"
                        + " every training patch, at one checkpoint; the orange line marks d1. Memorization shows as one"
                        + " training patch at a distance far below all others. Below: condition, sample and its nearest"
                        + " training patch at the last checkpoint.", List.of(png, patches, csv));
    }

    private static List<Integer> panels(int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < Math.min(n, MAX_PANELS); k++) {
            int i = n <= MAX_PANELS ? k : (int) Math.round((double) k * (n - 1) / (MAX_PANELS - 1));
            if (!out.contains(i)) {
                out.add(i);
            }
        }
        return out;
    }

    // {d1, ratio, i1} of sample 0 from nearest.csv.
    private static double[] nearest(Path dir) throws IOException {
        String[] f = Files.readAllLines(dir.resolve("nearest.csv")).get(1).split(",");
        return new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[5]), Double.parseDouble(f[1])};
    }

    private BufferedImage pictures(EvalRecords rec) throws IOException {
        Path dir = rec.dir(rec.lastIndex()).resolve(set);
        NpyArray conditions = Npy.read(dir.resolve("conditions.npy"));
        NpyArray samples = Npy.read(dir.resolve("samples.npy"));
        NpyArray targets = Npy.read(dir.resolve("targets.npy"));
        StudyConfig cfg = ConfigLoader.parse(rec.runDir().resolve("config.json"), StudyConfig.class, StudyConfig.DEFAULT);
        NpyArray train = Npy.read(Home.resolve(cfg.data().dir()).resolve("hr.npy"));
        double[] nn = nearest(dir);
        int p = (int) samples.shape()[2];
        int scale = Math.max(2, 128 / p);
        return Charts.strip(List.of(Charts.patch(conditions, 0, 2 * scale), Charts.patch(samples, 0, scale),
                        Charts.patch(train, (int) nn[2], scale), Charts.patch(targets, 0, scale)),
                List.of("condition (LR)", "generated", String.format(Locale.ROOT, "nearest training #%d", (int) nn[2]),
                        "true HR"));
    }

    static int step(JsonNode n) {
        return n.get("step").asInt();
    }
}
