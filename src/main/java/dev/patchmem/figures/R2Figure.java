package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Figure 7: r^2 of the network's x0 prediction against the closed-form denoiser's over t, one line per checkpoint. */
public final class R2Figure implements RunFigure {

    @Override
    public Drawn draw(EvalRecords rec, Path outDir) throws IOException {
        XYSeriesCollection ds = new XYSeriesCollection();
        List<String> rows = new ArrayList<>();
        for (JsonNode ck : rec.checkpoints()) {
            JsonNode r2 = ck.path("r2");
            if (r2.isMissingNode() || r2.isNull()) {
                continue;
            }
            int step = ck.get("step").asInt();
            XYSeries s = new XYSeries("step " + step);
            for (int k = 0; k < r2.get("times").size(); k++) {
                int t = r2.get("times").get(k).asInt();
                double v = r2.get("values").get(k).asDouble();
                s.add(t, v);
                rows.add(step + "," + t + "," + v);
            }
            ds.addSeries(s);
        }
        if (ds.getSeriesCount() == 0) {
            return null;
        }
        JFreeChart c = ChartFactory.createXYLineChart("Network vs closed-form denoiser (held-out conditions)",
                "timestep t", "r^2 of x0 predictions", ds, PlotOrientation.VERTICAL, true, false, false);
        Path png = outDir.resolve("r2.png");
        Charts.png(png, c, 640, 400);
        Path csv = outDir.resolve("r2.csv");
        Charts.csv(csv, "step,t,r2", rows);
        return new Drawn("Agreement with the closed-form denoiser", "r^2 between the network's x0 estimate and"
                + " E[x0 | x_t, c] of the noise-augmented empirical training set, at matched (x_t, t, c) built from"
                + " held-out patches; 1 means the network is the closed-form model.", List.of(png, csv));
    }
}
