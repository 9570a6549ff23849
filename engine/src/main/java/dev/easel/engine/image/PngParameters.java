package dev.easel.engine.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.easel.common.job.ImageRef;
import dev.easel.common.job.JobSpec;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.model.ModelLimits;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code tEXt} chunks every output PNG carries: {@code parameters} is the normalised request as JSON (the
 * seed of this very image filled in), plus the model and the software that made it. Input images are named only as
 * present, never by reference or hash: whoever holds an output image must learn nothing that reads, finds or
 * recognises the input it was made from.
 */
public final class PngParameters {

    private PngParameters() {
    }

    public static Map<String, String> of(JobSpec spec, ModelLimits model, long seed) {
        ObjectNode parameters = JsonCodec.mapper().valueToTree(spec);
        parameters.put("seed", seed);
        parameters.remove("metadata");
        if (spec.image() != null) {
            parameters.put("image", INPUT);
        }
        if (spec.mask() != null) {
            parameters.put("mask", INPUT);
        }
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", parameters.toString());
        text.put("model", model.id() + "@" + model.version());
        text.put("Software", "Easel");
        return text;
    }

    /** What an output says of an input image: that there was one. */
    static final String INPUT = "an input image";
}
