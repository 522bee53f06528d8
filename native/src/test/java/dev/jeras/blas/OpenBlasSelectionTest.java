package dev.jeras.blas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import dev.jeras.kernels.KernelSelector;
import dev.jeras.kernels.KernelsProvider;
import dev.jeras.kernels.contract.ChildJvm;

/** Discovery, naming, refusals and fallback of the OpenBLAS provider. */
class OpenBlasSelectionTest {

    @Test
    void theProviderIsFoundThroughServiceLoaderAndChosenFirst() {
        OpenBlas.assumeLoaded();
        List<KernelsProvider> providers = ServiceLoader.load(KernelsProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(providers).extracting(KernelsProvider::name).containsExactly("openblas");
        KernelSelector.Selection s = KernelSelector.select(null, providers);
        // Chosen automatically, OpenBLAS takes only the large GEMMs, and the name says so.
        assertThat(s.kernels().name()).matches("simd\\(.+\\) \\+ (openblas\\(\\d+\\.\\d+\\.\\d+, \\w+, \\d+ threads?\\)|cblas\\(.+\\))"
                + " for GEMMs from \\d+ multiply-adds");
        KernelSelector.Selection forced = KernelSelector.select("openblas", providers);
        assertThat(forced.kernels()).isInstanceOf(OpenBlasKernels.class);
        assertThat(forced.kernels().name()).matches("(openblas|cblas)\\(.+\\) for every GEMM \\+ simd\\(.+\\)");
    }

    @Test
    void aLibraryThatDoesNotLoadIsRefusedWithTheInstallHint() {
        Cblas.Result r = Cblas.load("/nonexistent/libopenblas.so.0", null);
        assertThat(r.binding()).isNull();
        assertThat(r.reason()).contains("/nonexistent/libopenblas.so.0 cannot be loaded")
                .contains("apt-get install libopenblas0-pthread");
    }

    @Test
    void aLibraryWithoutCblasSgemmIsRefusedForThatReason() {
        Cblas.Result r = Cblas.load("libc.so.6", null);
        assertThat(r.binding()).isNull();
        assertThat(r.reason()).contains("libc.so.6 loads but has no cblas_sgemm symbol");
    }

    @Test
    void aBadThreadCountIsRefused() {
        assertThat(Cblas.load(null, "zero").reason()).contains("-Djeras.blas.threads must be a positive integer, received 'zero'");
        assertThat(Cblas.load(null, "0").reason()).contains("must be a positive integer");
    }

    @Test
    void theThreadCountCanBeSet() {
        OpenBlas.assumeLoaded();
        assertThat(Cblas.load(Cblas.LOADED.binding().library(), "1").binding().description()).contains(", 1 thread)");
    }

    @Test
    void aBogusLibraryPathFallsBackToSimdAndLogsWhy() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djeras.blas.library=/nonexistent/libopenblas.so");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("WARNING: jeras: the configured BLAS library cannot be used, falling back: "
                        + "/nonexistent/libopenblas.so cannot be loaded")
                .contains("active: simd(")
                .contains("openblas unavailable: /nonexistent/libopenblas.so cannot be loaded");
    }

    @Test
    void forcingOpenblasWithoutTheLibraryFailsClearly() throws Exception {
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djeras.kernels=openblas", "-Djeras.blas.library=/nonexistent/libopenblas.so");
        assertThat(r.output()).contains("error: -Djeras.kernels=openblas cannot be honoured: /nonexistent/libopenblas.so cannot be loaded")
                .contains("install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread");
    }

    @Test
    void withOpenblasInstalledTheDefaultChoiceIsOpenblas() throws Exception {
        OpenBlas.assumeLoaded();
        ChildJvm.Result r = ChildJvm.printSelection("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");
        assertThat(r.output()).contains("active: simd(").contains(" + openblas(").contains("first available provider")
                .doesNotContain("WARNING: A restricted method");
    }
}
