package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Figure 5: memorization ratio (fraction of samples with d1/d2 < 1/3) against training step, per condition set. */
public final class MemorizationFigure implements RunFigure {

    @Override
    public Drawn draw(EvalRecords rec, Path outDir) throws IOException {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        List<String> rows = new ArrayList<>();
        for (JsonNode ck : rec.checkpoints()) {
            int step = ck.get("step").asInt();
            ck.get("sets").fields().forEachRemaining(e -> {
                double r = e.getValue().get("memorizationRatio").asDouble();
                series.computeIfAbsent(e.getKey(), XYSeries::new).add(step, r);
                rows.add(step + "," + e.getKey() + "," + r + "," + e.getValue().get("medianD1").asDouble());
            });
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        series.values().forEach(ds::addSeries);
        JFreeChart c = ChartFactory.createXYLineChart("Memorization ratio by condition set", "training step",
                "fraction with d1/d2 < 1/3", ds, PlotOrientation.VERTICAL, true, false, false);
        c.getXYPlot().getRangeAxis().setRange(0, 1.02);
        Path png = outDir.resolve("memorization.png");
        Charts.png(png, c, 640, 400);
        Path csv = outDir.resolve("memorization.csv");
        Charts.csv(csv, "step,set,memorization_ratio,median_d1", rows);
        return new Drawn("Memorization during training", "Fraction of generated samples whose nearest training"
                + " patch is more than three times closer than the second nearest (Gu et al. 2023), for training,"
                + " held-out textured and held-out flat conditions.", List.of(png, csv));
    }
}
