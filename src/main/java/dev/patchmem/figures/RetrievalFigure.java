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
        Points pts = points(Npy.read(dir.resolve("weights.npy")), Npy.read(dir.resolve("frequencies.npy")));
        XYSeries points = new XYSeries("(condition, training patch)");
        List<String> rows = new ArrayList<>();
        for (Point pt : pts.points()) {
            points.add(pt.kernel(), pt.empirical());
            rows.add(pt.condition() + "," + pt.index() + "," + pt.kernel() + "," + pt.empirical());
        }
        JsonNode r = last.get("retrieval");
        JFreeChart chart = ChartFactory.createScatterPlot(String.format(Locale.ROOT,
                        "Held-out retrieval vs kernel, step %d: mean TV %.3f (sampling floor %.3f), %d of %d"
                                + " conditions", last.get("step").asInt(), r.get("tvMean").asDouble(),
                        r.get("samplingNoiseTv").asDouble(), pts.conditions() - pts.leftOut(), pts.conditions()),
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
                + " regression. The sampling floor is the TV a perfect model shows with as few samples."
                + (pts.leftOut() == 0 ? "" : String.format(Locale.ROOT, " %d of %d conditions had no memorized"
                        + " sample, so no retrieval to count: they are left out here and of the TV.", pts.leftOut(),
                        pts.conditions())),
                List.of(png, csv));
    }

    /** One (condition, training patch) pair: P(i | c) and the empirical retrieval frequency. */
    record Point(int condition, int index, float kernel, float empirical) {
    }

    /**
     * The pairs worth drawing, the number of conditions and how many of them were left out because
     * none of their samples was memorized.
     */
    record Points(List<Point> points, int conditions, int leftOut) {
    }

    /**
     * The (condition, training patch) pairs worth a point: P(i | c) above 1e-3 or retrieved at least once;
     * a condition whose frequency row is all zero retrieved nothing, so it is left out, not drawn at 0.
     */
    static Points points(NpyArray w, NpyArray f) {
        int q = w.rows();
        int n = w.rowSize();
        List<Point> points = new ArrayList<>();
        int leftOut = 0;
        for (int c = 0; c < q; c++) {
            float total = 0;
            for (int i = 0; i < n; i++) {
                total += f.data()[c * n + i];
            }
            if (total == 0) {
                leftOut++;
                continue;
            }
            for (int i = 0; i < n; i++) {
                float p = w.data()[c * n + i];
                float e = f.data()[c * n + i];
                if (p > 1e-3 || e > 0) {
                    points.add(new Point(c, i, p, e));
                }
            }
        }
        return new Points(points, q, leftOut);
    }
}
