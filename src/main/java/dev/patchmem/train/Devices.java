package dev.patchmem.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.patchmem.config.Provenance;

/** Device choice: CUDA when the engine sees a GPU, CPU otherwise, or what the user asks for. */
public final class Devices {

    private Devices() {
    }

    /** "auto" (GPU when present), "cpu" or "gpu"; asking for a GPU where none is visible is an error. */
    public static Device pick(String want) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (want == null ? "auto" : want) {
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("--device gpu: the PyTorch engine sees no GPU (CPU natives"
                            + " on the classpath? build with -Pcuda and set PYTORCH_FLAVOR)");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("--device must be auto, cpu or gpu, got " + want);
        };
    }

    /**
     * The devices to train on: every GPU the engine sees for "auto" (when there is one) and "gpu"
     * (restrict them with CUDA_VISIBLE_DEVICES), the CPU otherwise.
     */
    public static java.util.List<Device> all(String want) {
        Device first = pick(want);
        if (first.isGpu()) {
            return java.util.stream.IntStream.range(0, Engine.getInstance().getGpuCount()).mapToObj(Device::gpu).toList();
        }
        return java.util.List.of(first);
    }

    /** Engine facts for provenance records. */
    public static Provenance.EngineInfo info(Device device) {
        Engine e = Engine.getInstance();
        return new Provenance.EngineInfo(e.getEngineName() + " " + e.getVersion(), device.toString());
    }
}
