package dev.patchmem.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aTerminalGetsARedrawnBarWithRateAndEta() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("train", "steps", 0, 4, true, 10, new PrintStream(buf, true, StandardCharsets.UTF_8));
        p.update(4, "loss 0.1");
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\r[########################] train 4/4 steps"), out);
        assertTrue(out.contains("steps/s, ETA 0m00s, loss 0.1"), out);
        assertTrue(out.endsWith("\n"), "the finished bar ends its line");
    }

    @Test
    void logsGetPlainLinesAtMostEveryInterval() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("evaluate", "pairs", 0, 100, false, 3600,
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        for (int i = 1; i <= 100; i++) {
            p.update(i, "");
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, "the first and the final update only");
        assertTrue(lines[1].startsWith("evaluate 100/100 pairs"), lines[1]);
        assertTrue(!lines[1].contains("\r"));
    }

    @Test
    void etaFormats() {
        assertEquals("1h01m", Progress.formatSeconds(3660));
        assertEquals("2m05s", Progress.formatSeconds(125));
        assertEquals("?", Progress.formatSeconds(Double.NaN));
    }
}
