package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Figure 6: at the last checkpoint, for held-out conditions, the empirical frequency with which
 * memorized samples retrieve training patch i against the kernel model's P(i | c).
 */
public final class RetrievalFigure implements RunFigure {

    @Override
    public Drawn draw(EvalRecords rec, Path outDir) throws IOException {
        JsonNode last = rec.last();
        Path dir = rec.dir(rec.lastIndex()).resolve("heldout");
        if (last.path("retrieval").isMissingNode() || last.get("retrieval").isNull()
                || !Files.exists(dir.resolve("weights.npy"))) {
            return null;
        }
        NpyArray w = Npy.read(dir.resolve("weights.npy"));
        NpyArray f = Npy.read(dir.resolve("frequencies.npy"));
        int q = w.rows();
        int n = w.rowSize();
        XYSeries points = new XYSeries("(condition, training patch)");
        List<String> rows = new ArrayList<>();
        for (int c = 0; c < q; c++) {
            for (int i = 0; i < n; i++) {
                float p = w.data()[c * n + i];
                float e = f.data()[c * n + i];
                if (p > 1e-3 || e > 0) {
                    points.add(p, e);
                    rows.add(c + "," + i + "," + p + "," + e);
                }
            }
        }
        JsonNode r = last.get("retrieval");
        JFreeChart chart = ChartFactory.createScatterPlot(String.format(Locale.ROOT,
                        "Held-out retrieval vs kernel, step %d: mean TV %.3f (sampling floor %.3f)",
                        last.get("step").asInt(), r.get("tvMean").asDouble(), r.get("samplingNoiseTv").asDouble()),
                "P(i | c), Gaussian kernel, sigma_aug = " + r.get("sigmaAug").asDouble(), "empirical retrieval frequency",
                new XYSeriesCollection(points), PlotOrientation.VERTICAL, false, false, false);
        chart.getXYPlot().addAnnotation(new XYLineAnnotation(0, 0, 1, 1));
        chart.getXYPlot().getDomainAxis().setRange(-0.02, 1.02);
        chart.getXYPlot().getRangeAxis().setRange(-0.02, 1.02);
        Path png = outDir.resolve("retrieval.png");
        Charts.png(png, chart, 560, 520);
        Path csv = outDir.resolve("retrieval.csv");
        Charts.csv(csv, "condition,training_index,kernel_probability,empirical_frequency", rows);
        return new Drawn("Held-out retrieval against the kernel model", "Each point is a (held-out condition,"
                + " training patch) pair: x the closed-form P(i | c), y the fraction of that condition's memorized"
                + " samples whose nearest training patch is i. On the diagonal the network is Gaussian kernel"
                + " regression. The sampling floor is the TV a perfect model shows with as few samples.",
                List.of(png, csv));
    }
}
