package dev.patchmem.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.patchmem.config.Provenance;

/** Engine facts for provenance records of jobs that compute on the DJL device. */
final class EngineFacts {

    private EngineFacts() {
    }

    /** The loaded engine's version and the device of {@code manager}. */
    static Provenance.EngineInfo of(NDManager manager) {
        Engine engine = manager.getEngine();
        return new Provenance.EngineInfo(engine.getEngineName() + " " + engine.getVersion(),
                manager.getDevice().toString());
    }
}
