package dev.easel.engine;

import dev.easel.engine.model.DiffusionModel;
import dev.easel.engine.model.EngineConfig;
import dev.easel.engine.model.ModelPackage;
import java.io.File;
import java.nio.file.Path;

/** The bundled model, loaded once per test JVM on the CPU provider. */
public final class TinyShapes {

    private static DiffusionModel model;

    private TinyShapes() {
    }

    public static Path root() {
        String configured = System.getProperty("easel.repo.root");
        Path repo = configured != null ? Path.of(configured) : findRepo();
        return repo.resolve("models/tiny-shapes");
    }

    public static Path fixtures() {
        return root().resolve("fixtures");
    }

    public static synchronized DiffusionModel model() {
        if (model == null) {
            model = DiffusionModel.load(ModelPackage.read(root()), EngineConfig.cpu());
        }
        return model;
    }

    private static Path findRepo() {
        for (File dir = new File("").getAbsoluteFile(); dir != null; dir = dir.getParentFile()) {
            if (new File(dir, "models/tiny-shapes").isDirectory()) {
                return dir.toPath();
            }
        }
        throw new IllegalStateException("models/tiny-shapes not found above " + new File("").getAbsolutePath());
    }
}
