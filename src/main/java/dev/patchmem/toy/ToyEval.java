package dev.patchmem.toy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.patchmem.config.Json;
import dev.patchmem.config.SampleConfig;
import dev.patchmem.diffusion.Denoiser;
import dev.patchmem.diffusion.Generate;
import dev.patchmem.diffusion.NoiseSchedule;
import dev.patchmem.diffusion.Sampler;
import dev.patchmem.io.AtomicFiles;
import dev.patchmem.io.Npy;
import dev.patchmem.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the two toy jobs share around an evaluation: drawing the samples, and the evaluation folder
 * (arrays plus summary.json), which is written whole or not at all so that a rerun skips exactly the
 * evaluations that completed.
 */
final class ToyEval {

    /** Seed tag of the evaluation samples: every checkpoint sees the same noise (common random numbers). */
    static final long SAMPLE_TAG = 0x73616D706CL;

    private ToyEval() {
    }

    /** Whether {@code dir} holds a completed evaluation. */
    static boolean done(Path dir) {
        return Files.isRegularFile(dir.resolve("summary.json"));
    }

    /** The summary.json of a completed evaluation. */
    static JsonNode summary(Path dir) throws IOException {
        return Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
    }

    /** Writes {@code arrays} as NAME.npy and {@code summary} as summary.json into {@code dir}, atomically. */
    static void write(Path dir, Map<String, NpyArray> arrays, Object summary) throws IOException {
        AtomicFiles.writeFolder(dir, tmp -> {
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                Npy.write(tmp.resolve(e.getKey() + ".npy"), e.getValue());
            }
            Json.write(tmp.resolve("summary.json"), summary);
        });
    }

    /**
     * {@code perCondition} samples of dimension {@code dim} for each row of {@code conditions} (or for
     * one unconditional "condition" when null), shaped (Q, S, d).
     */
    static NpyArray sample(Denoiser d, NoiseSchedule schedule, SampleConfig sc, NpyArray conditions, int dim,
                           int perCondition, long seed, NDManager m) {
        Sampler sampler = Sampler.of(sc, schedule.steps());
        NpyArray flat = Generate.samples(d, schedule, sampler, conditions, 1, new Shape(dim), perCondition, seed,
                sc.batch(), m, null);
        int q = conditions == null ? 1 : conditions.rows();
        return new NpyArray(new long[] {q, perCondition, dim}, flat.data());
    }

    /** Rows [from, from + count) of a (rows, d) array as a new (count, d) array. */
    static NpyArray rows(NpyArray a, int from, int count) {
        int d = a.rowSize();
        float[] v = java.util.Arrays.copyOfRange(a.data(), from * d, (from + count) * d);
        return new NpyArray(new long[] {count, d}, v);
    }

    /** A (Q, S, d) array viewed as (Q * S, d). */
    static NpyArray flat(NpyArray samples) {
        long[] s = samples.shape();
        return new NpyArray(new long[] {s[0] * s[1], s[2]}, samples.data());
    }

    /** Sampler words for summaries: "ddpm, 100 steps". */
    static String describe(SampleConfig sc, int timesteps) {
        return sc.sampler().word() + ", " + (sc.steps() == 0 ? timesteps : sc.steps()) + " steps"
                + (sc.sampler() == SampleConfig.Sampler.DDIM ? ", eta " + sc.eta() : "");
    }
}
