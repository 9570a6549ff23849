package dev.easel.worker.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureTextsTest {

    @Test
    void aFailureOfTheRequestKeepsItsDescription() {
        assertThat(FailureTexts.of("image_too_large", "image exceeds 16777216 pixels")).isEqualTo("image exceeds 16777216 pixels");
        assertThat(FailureTexts.of("mask_mismatch", "mask is 8×8, image 16×16")).isEqualTo("mask is 8×8, image 16×16");
    }

    @Test
    void internalDetailsNeverReachTheClient() {
        String[][] failures = {
                {"inference_failed", "unet failed on cuda: [ErrorCode:RUNTIME_EXCEPTION] CUDA failure 2: out of memory ; GPU=0"},
                {"model_invalid", "cannot read /srv/models/secret-model/unet/model.onnx: Permission denied"},
                {"internal_error", "NullPointerException: Cannot invoke \"dev.easel.engine.Latents.width()\""},
                {"storage_unavailable", "Unable to execute HTTP request: Connect to minio.internal:9000 failed"},
                {"some_new_code", "at dev.easel.worker.Something.run(Something.java:42)"}};
        for (String[] failure : failures) {
            String text = FailureTexts.of(failure[0], failure[1]);
            assertThat(text).as(failure[0]).contains("(" + failure[0] + ")").doesNotContain(failure[1])
                    .doesNotContain("/srv", "minio", "Exception", "cuda", "dev.easel");
        }
    }
}
