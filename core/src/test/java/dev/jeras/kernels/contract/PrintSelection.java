package dev.jeras.kernels.contract;

import dev.jeras.kernels.Kernels;

/** Prints the kernel selection of the JVM it runs in; tests start it with chosen flags through {@link ChildJvm}. */
public final class PrintSelection {

    private PrintSelection() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("active: " + Kernels.selection());
            System.out.println("name: " + Kernels.active().name());
        } catch (IllegalStateException e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
