package dev.patchmem.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.patchmem.bench.Bench;
import dev.patchmem.config.Json;
import dev.patchmem.train.Devices;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchmem bench}: the speed figures of this installation, as JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time U-Net training steps, DDPM and DDIM sampling, the memorization of both samplers and "
                + "peak RSS in one process; JSON on stdout or to --out.",
                "bench/run.sh runs it alternately with the PyTorch twins of bench/peer/ and takes medians."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "FILE.json", description = "write the JSON here instead of stdout")
    Path out;

    @Option(names = "--quick", description = "small sizes: a seconds-long check that every section runs")
    boolean quick;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", paramLabel = "N",
            description = "libtorch intra-op threads while benchmarking (default: the engine's, e.g. from"
                    + " -Dai.djl.pytorch.num_threads)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        Device dev = Devices.pick(device);
        int before = JniUtils.getNumThreads();
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            if (threads != null) {
                JniUtils.setNumThreads(threads);
            }
            Bench.Report report = Bench.run(manager, quick, System.err);
            if (out != null) {
                Json.write(out, report);
                System.out.println(out);
            } else {
                System.out.println(Json.text(report));
            }
        } finally {
            JniUtils.setNumThreads(before);
        }
        return 0;
    }
}
