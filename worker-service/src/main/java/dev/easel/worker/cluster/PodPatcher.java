package dev.easel.worker.cluster;

import dev.easel.common.json.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Patches the metadata of one pod through the Kubernetes API with the JDK's HTTP client. It authenticates with
 * the service-account token, read again for every call because the kubelet rotates projected tokens, and over
 * HTTPS trusts only the cluster CA in {@code ca.crt}.
 */
final class PodPatcher {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI pod;
    private final Path tokenFile;

    private PodPatcher(HttpClient http, URI pod, Path tokenFile) {
        this.http = http;
        this.pod = pod;
        this.tokenFile = tokenFile;
    }

    /** A patcher for {@code namespace/podName} on {@code apiServer}, with the credentials in {@code serviceAccountDir}. */
    static PodPatcher forPod(URI apiServer, Path serviceAccountDir, String namespace, String podName) throws IOException {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if ("https".equalsIgnoreCase(apiServer.getScheme())) {
            client.sslContext(trusting(serviceAccountDir.resolve("ca.crt")));
        }
        URI pod = apiServer.resolve("/api/v1/namespaces/" + namespace + "/pods/" + podName);
        return new PodPatcher(client.build(), pod, serviceAccountDir.resolve("token"));
    }

    /** Sets one annotation of the pod (a JSON merge patch: other annotations stay as they are). */
    void annotate(String key, String value) throws IOException, InterruptedException {
        byte[] patch = JsonCodec.encode(Map.of("metadata", Map.of("annotations", Map.of(key, value))));
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        HttpRequest request = HttpRequest.newBuilder(pod)
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/merge-patch+json")
                .header("Accept", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(patch))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String body = response.body();
            throw new IOException("PATCH " + pod.getPath() + " answered " + response.statusCode() + ": "
                    + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        }
    }

    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("cluster-ca-" + i++, ca);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + caFile);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the cluster CA in " + caFile + ": " + e.getMessage(), e);
        }
    }
}
