package dev.patchmem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EngineCheckTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return EngineCheck.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void cpuComputesTheExactValues() {
        assertEquals(0, run("cpu"), err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("engine: PyTorch 2.7.1"), text);
        assertTrue(text.contains(": ok (matmul, conv2d forward 27.0/12.0, backward 128.0/98.0)"), text);
    }

    @Test
    void badUsageIsExitTwo() {
        assertEquals(2, run("tpu"));
        assertEquals(2, run("cpu", "gpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: EngineCheck"));
    }
}
