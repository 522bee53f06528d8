package dev.jeras.blas;

import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Whether OpenBLAS is here. Without it the OpenBLAS tests skip and say why, unless
 * {@code -Djeras.kernels.require=openblas} (set by .ci/run) makes its absence a failure.
 */
final class OpenBlas {

    private OpenBlas() {
    }

    static void assumeLoaded() {
        Cblas.Result loaded = Cblas.LOADED;
        if (loaded.binding() != null) {
            return;
        }
        String why = "OpenBLAS did not load: " + loaded.reason();
        if (System.getProperty("jeras.kernels.require", "").contains("openblas")) {
            fail(why + " (and -Djeras.kernels.require=openblas forbids skipping)");
        }
        Assumptions.abort(why);
    }
}
