package dev.easel.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod patch reaches the API server as Kubernetes expects it, authenticated and over a trusted TLS connection. */
class PodPatcherTest {

    @TempDir
    Path root;
    private Path serviceAccount;
    private Path pki;

    @BeforeEach
    void serviceAccount() throws IOException {
        serviceAccount = Files.createDirectories(root.resolve("serviceaccount"));
        pki = Files.createDirectories(root.resolve("pki"));
        Files.writeString(serviceAccount.resolve("token"), "first-token\n");
    }

    @Test
    void sendsAMergePatchOfTheAnnotationToItsOwnPodWithTheBearerToken() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            PodPatcher.forPod(api.uri(), serviceAccount, "easel", "easel-worker-7d9f-x2k4")
                    .annotate("controller.kubernetes.io/pod-deletion-cost", "2");

            assertThat(api.requests()).singleElement().satisfies(request -> {
                assertThat(request.method()).isEqualTo("PATCH");
                assertThat(request.path()).isEqualTo("/api/v1/namespaces/easel/pods/easel-worker-7d9f-x2k4");
                assertThat(request.authorization()).isEqualTo("Bearer first-token");
                assertThat(request.contentType()).isEqualTo("application/merge-patch+json");
                assertThat(request.body()).isEqualTo(
                        "{\"metadata\":{\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"2\"}}}");
            });
        }
    }

    @Test
    void readsTheTokenAgainForEveryCallBecauseTheKubeletRotatesIt() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            PodPatcher pod = PodPatcher.forPod(api.uri(), serviceAccount, "easel", "w");
            pod.annotate("a", "1");
            Files.writeString(serviceAccount.resolve("token"), "rotated-token");
            pod.annotate("a", "2");

            assertThat(api.requests()).extracting(FakeApiServer.Request::authorization)
                    .containsExactly("Bearer first-token", "Bearer rotated-token");
        }
    }

    @Test
    void aRefusalIsAnErrorNamingTheStatus() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            api.answer(403);
            PodPatcher pod = PodPatcher.forPod(api.uri(), serviceAccount, "easel", "w");

            assertThatThrownBy(() -> pod.annotate("a", "1"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("403")
                    .hasMessageContaining("/api/v1/namespaces/easel/pods/w");
        }
    }

    @Test
    void overHttpsTrustsTheClusterCaOfTheServiceAccount() throws Exception {
        Path server = selfSigned("api-server");
        Files.copy(pki.resolve("api-server.crt"), serviceAccount.resolve("ca.crt"));
        try (FakeApiServer api = FakeApiServer.https(serving(server))) {
            PodPatcher.forPod(api.uri(), serviceAccount, "easel", "w").annotate("a", "1");

            assertThat(api.requests()).hasSize(1);
        }
    }

    @Test
    void overHttpsRefusesAServerTheClusterCaDidNotSign() throws Exception {
        Path server = selfSigned("impostor");
        selfSigned("cluster-ca");
        Files.copy(pki.resolve("cluster-ca.crt"), serviceAccount.resolve("ca.crt"));
        try (FakeApiServer api = FakeApiServer.https(serving(server))) {
            PodPatcher pod = PodPatcher.forPod(api.uri(), serviceAccount, "easel", "w");

            assertThatThrownBy(() -> pod.annotate("a", "1")).isInstanceOf(IOException.class);
            assertThat(api.requests()).isEmpty();
        }
    }

    /** A self-signed key pair for 127.0.0.1 made with the JDK's keytool: {@code pki/<name>.p12} and {@code pki/<name>.crt} (PEM). */
    private Path selfSigned(String name) throws Exception {
        Path keyStore = pki.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-file", pki.resolve(name + ".crt").toString());
        return keyStore;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }

    private static SSLContext serving(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        return tls;
    }
}
