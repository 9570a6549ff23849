package dev.easel.engine.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelLimits;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code tEXt} chunks every output PNG carries: {@code parameters} is the normalised request as JSON
 * (input images replaced by their SHA-256, the seed of this very image filled in), plus the model and
 * the software that made it — enough to reproduce the image.
 */
public final class PngParameters {

    private PngParameters() {
    }

    public static Map<String, String> of(JobSpec spec, ModelLimits model, long seed) {
        ObjectNode parameters = JsonCodec.mapper().valueToTree(spec);
        parameters.put("seed", seed);
        parameters.remove("metadata");
        if (spec.image() != null) {
            parameters.put("image", describe(spec.image()));
        }
        if (spec.mask() != null) {
            parameters.put("mask", describe(spec.mask()));
        }
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", parameters.toString());
        text.put("model", model.id() + "@" + model.version());
        text.put("Software", "Easel");
        return text;
    }

    private static String describe(ImageRef ref) {
        return switch (ref) {
            case ImageRef.DataUrl dataUrl -> "sha256:" + dataUrl.sha256();
            case ImageRef.Upload upload -> "upload:" + upload.id();
        };
    }
}
