package dev.easel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.testsupport.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/local/easel's process bookkeeping, in a home of its own so that nothing of the running stack is touched. */
class LocalScriptTest {

    /**
     * A pid file outlives its process (a crash, a reboot, kill -9) and its number can be taken by any other
     * process: the script must neither stop that process nor fail on it.
     */
    @Test
    void stalePidFilesNeitherStopAnotherProcessNorFailTheScript(@TempDir Path home) throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        try {
            Files.createDirectories(home.resolve("run"));
            Files.writeString(home.resolve("run/gateway.pid"), Long.toString(stranger.pid()));
            // A number no process has: the last of the script's candidates is dead.
            Files.writeString(home.resolve("run/worker.pid"), "4194304");

            Process down = down(home);
            String output = new String(down.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(down.exitValue()).as(output).isZero();
            assertThat(stranger.isAlive()).as("the process that now has the stale pid").isTrue();
            assertThat(home.resolve("run/gateway.pid")).doesNotExist();
            assertThat(home.resolve("run/worker.pid")).doesNotExist();
        } finally {
            stranger.destroyForcibly();
        }
    }

    /**
     * A process of this home's component is stopped through its pid file, also when its command line is longer
     * than a pipe write (a JVM's class path is): the check must not lose the process to its own plumbing.
     */
    @Test
    void downStopsTheComponentItsPidFileNames(@TempDir Path home) throws Exception {
        // sh -c CMD ARG0 ARGS: the marker and a long tail are the process's arguments, as start_jvm writes them.
        Process component = new ProcessBuilder("sh", "-c", "while :; do sleep 1; done",
                "-Deasel.home=" + home, "-Deasel.component=worker", "-cp", "x".repeat(16_384)).start();
        try {
            Files.createDirectories(home.resolve("run"));
            Files.writeString(home.resolve("run/worker.pid"), Long.toString(component.pid()));

            Process down = down(home);
            String output = new String(down.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(down.exitValue()).as(output).isZero();
            assertThat(component.waitFor(30, TimeUnit.SECONDS)).as("stopped by down: " + output).isTrue();
            assertThat(output).contains("stopped worker");
        } finally {
            component.destroyForcibly();
        }
    }

    /** The launcher mints the bootstrap key and the pepper an operator puts in the gateway's secret. */
    @Test
    void mintsApiKeysTheGatewayAcceptsAndPeppersLongEnough(@TempDir Path home) throws Exception {
        String first = run(home, "new-key");
        String second = run(home, "new-key");
        assertThat(first).matches("easel_sk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}").isNotEqualTo(second);
        assertThat(java.util.Base64.getUrlDecoder().decode(first.substring(first.length() - 43))).hasSize(32);
        assertThat(run(home, "new-pepper").getBytes(StandardCharsets.UTF_8).length).isGreaterThanOrEqualTo(32);
    }

    private static String run(Path home, String command) throws Exception {
        ProcessBuilder script = new ProcessBuilder(LocalStack.repoRoot().resolve("deploy/local/easel").toString(), command)
                .redirectErrorStream(true).directory(LocalStack.repoRoot().toFile());
        script.environment().put("EASEL_HOME", home.toString());
        Process process = script.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static Process down(Path home) throws Exception {
        ProcessBuilder script = new ProcessBuilder(LocalStack.repoRoot().resolve("deploy/local/easel").toString(), "down")
                .redirectErrorStream(true).directory(LocalStack.repoRoot().toFile());
        script.environment().put("EASEL_HOME", home.toString());
        Process down = script.start();
        down.getOutputStream().close();
        assertThat(down.waitFor(60, TimeUnit.SECONDS)).as("down finished").isTrue();
        return down;
    }
}
