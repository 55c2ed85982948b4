package dev.patchmem.cli;

import dev.patchmem.config.ConfigLoader;
import dev.patchmem.config.Home;
import dev.patchmem.config.StudyConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** --config, --set and --dry-run, shared by the commands that run a study config. */
final class ConfigOptions {

    @Option(names = "--config", description = "study config (JSON), e.g. configs/smoke.json")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. train.steps=500")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dry-run", description = "print the resolved config and exit")
    boolean dryRun;

    /** The resolved config from --config (or {@code fallback} when absent) and --set. */
    StudyConfig load(Path fallback) throws IOException {
        Path file = config != null ? Home.resolve(config) : fallback;
        if (file == null) {
            throw new IllegalArgumentException("--config FILE is required");
        }
        return ConfigLoader.load(file, StudyConfig.class, StudyConfig.DEFAULT, overrides);
    }
}
