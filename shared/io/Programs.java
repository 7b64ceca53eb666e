package io;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Other programs this toolkit may use (Python with PyTorch, Jupyter): whether one is there and works. */
public final class Programs {
    private Programs() {}

    /**
     * Whether {@code command} starts and exits 0 within {@code seconds} (its output discarded): false when it is not
     * installed, fails or hangs, and when this thread is interrupted (the interrupt is kept).
     */
    public static boolean works(List<String> command, long seconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(seconds, TimeUnit.SECONDS) && p.exitValue() == 0) return true;
            p.destroyForcibly();
        } catch (IOException e) {
            // not installed under this name, or not runnable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
