package dev.easel.engine.pipeline;

import dev.easel.engine.Timings;
import dev.easel.engine.model.ExecutionProvider;
import java.awt.image.BufferedImage;
import java.util.List;

/** The images of one request (image {@code i} made with seed {@code seeds.get(i)}) and where the time went. */
public record Generation(List<BufferedImage> images, List<Long> seeds, Timings timings, ExecutionProvider provider) {

    public Generation {
        images = List.copyOf(images);
        seeds = List.copyOf(seeds);
    }
}
