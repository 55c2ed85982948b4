package dev.patchmem.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.patchmem.io.ProcStatus;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and engine a benchmark ran on, and how busy the machine was: timings on a shared
 * machine mean little without the load average next to them.
 *
 * @param cpuModel       "model name" of /proc/cpuinfo
 * @param cores          processors available to the JVM
 * @param loadAverage    1, 5 and 15 minute load averages from /proc/loadavg when read
 * @param threads        libtorch intra-op threads
 * @param interopThreads libtorch inter-op threads
 * @param jvmOptions     the JVM's command-line options (heap, JIT: bin/patchmem compiles with C1 only on
 *                       up to 4 cores)
 */
public record Machine(String cpuModel, int cores, String os, String java, String engine, double[] loadAverage,
                      int threads, int interopThreads, List<String> jvmOptions) {

    /** Facts of this process and machine now. */
    public static Machine now() {
        Engine e = Engine.getInstance();
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                e.getEngineName() + " " + e.getVersion(), readLoadAverage(), JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** Peak resident set of this process in MiB (VmHWM of /proc/self/status), NaN where there is none. */
    public static double peakRssMb() {
        return ProcStatus.peakResidentMb();
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static double[] readLoadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) {
            return new double[0];
        }
        String[] f = l.get(0).trim().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
