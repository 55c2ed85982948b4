package dev.patchmem.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.patchmem.config.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The distance job against a same-shape GEMM (issue 5 target: >= 0.85). Tagged "bench" and excluded
 * from the default build; run it with
 * {@code mvn -o test -Dtest=DistanceBenchTest -DexcludedGroups=none -Dtest.ompWaitPolicy=ACTIVE}.
 */
@Tag("bench")
class DistanceBenchTest {

    @Test
    void distanceJobAgainstGemm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DistanceBench.Result r = DistanceBench.run(manager);
            System.out.println(Json.text(r));
            assertTrue(r.distanceGflops() > 0 && r.gemmGflops() > 0);
        }
    }
}
