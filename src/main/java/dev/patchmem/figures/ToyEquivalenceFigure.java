package dev.patchmem.figures;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Figure 2: the toy equivalence run (conditional, Delta = identity): per sigma_aug and condition, the
 * empirical retrieval frequencies at the last checkpoint beside the closed-form P(i | c), and the
 * largest TV over conditions against training step, one line per sigma_aug. Reads the run's
 * summary.json and each sigma folder's last eval/step-NNNNNNN/summary.json.
 */
public final class ToyEquivalenceFigure {

    private ToyEquivalenceFigure() {
    }

    /** Draws into {@code outDir}; null when {@code runDir} holds no finished equivalence run. */
    public static RunFigure.Drawn draw(Path runDir, Path outDir) throws IOException {
        Path summaryFile = runDir.resolve("summary.json");
        if (!Files.isRegularFile(summaryFile)) {
            return null;
        }
        JsonNode top = Json.MAPPER.readTree(summaryFile.toFile());
        List<JFreeChart> bars = new ArrayList<>();
        XYSeriesCollection tvLines = new XYSeriesCollection();
        List<String> rows = new ArrayList<>();
        int conditions = 0;
        for (JsonNode sigma : top.get("sigmas")) {
            double s = sigma.get("sigmaAug").asDouble();
            XYSeries line = new XYSeries(String.format(Locale.ROOT, "sigma_aug %.2f", s));
            JsonNode steps = sigma.get("steps");
            for (int k = 0; k < steps.size(); k++) {
                double max = 0;
                for (JsonNode tv : sigma.get("tv").get(k)) {
                    max = Math.max(max, tv.asDouble());
                }
                line.add(steps.get(k).asDouble(), max);
            }
            tvLines.addSeries(line);
            int last = steps.get(steps.size() - 1).asInt();
            Path evalSummary = runDir.resolve(sigma.get("folder").asText()).resolve("eval")
                    .resolve(String.format("step-%07d", last)).resolve("summary.json");
            JsonNode e = Json.MAPPER.readTree(evalSummary.toFile());
            conditions = e.get("conditions").size();
            for (int c = 0; c < conditions; c++) {
                JsonNode cond = e.get("conditions").get(c);
                DefaultCategoryDataset ds = new DefaultCategoryDataset();
                for (int i = 0; i < cond.get("posterior").size(); i++) {
                    double p = cond.get("posterior").get(i).asDouble();
                    double f = cond.get("frequencies").get(i).asDouble();
                    ds.addValue(f, "sampled", Integer.toString(i));
                    ds.addValue(p, "P(i | c)", Integer.toString(i));
                    rows.add(s + "," + c + "," + i + "," + p + "," + f);
                }
                JFreeChart chart = ChartFactory.createBarChart(String.format(Locale.ROOT, "sigma %.2f, c%d: TV %.3f", s,
                        c, cond.get("tv").asDouble()), "training point i", "probability", ds,
                        PlotOrientation.VERTICAL, c == 0, false, false);
                chart.getTitle().setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 11));
                chart.getCategoryPlot().getRenderer().setSeriesPaint(0, Charts.PALETTE[0]);
                chart.getCategoryPlot().getRenderer().setSeriesPaint(1, Charts.PALETTE[1]);
                chart.getCategoryPlot().setBackgroundPaint(java.awt.Color.WHITE);
                bars.add(chart);
            }
        }
        Files.createDirectories(outDir);
        Path barsPng = outDir.resolve("toy-equivalence-bars.png");
        Charts.png(barsPng, Charts.grid("Toy: sampled retrieval frequencies vs closed-form P(i | c), last checkpoint",
                bars, Math.max(1, conditions), 300, 220));
        JFreeChart tv = ChartFactory.createXYLineChart("Results converge to the closed-form posterior", "training step",
                "largest TV over conditions", tvLines, PlotOrientation.VERTICAL, true, false, false);
        Path tvPng = outDir.resolve("toy-equivalence-tv.png");
        Charts.png(tvPng, tv, 640, 400);
        Path csv = outDir.resolve("toy-equivalence.csv");
        Charts.csv(csv, "sigma_aug,condition,training_index,posterior,frequency", rows);
        return new RunFigure.Drawn("Toy: equivalence with Gaussian kernel regression", String.format(Locale.ROOT,
                "A conditional model with x_dst = x_src on %d points, trained with condition noise sigma_aug; for new"
                        + " conditions, how often samples land on each training point (blue) against"
                        + " P(i | c) = softmax(-||c - x_src^(i)||^2 / (2 sigma_aug^2)) (orange); below, the largest"
                        + " total-variation distance over conditions at each checkpoint (target %.2f).",
                top.get("trainPoints").asInt(), top.get("targetTv").asDouble()), List.of(barsPng, tvPng, csv));
    }
}
