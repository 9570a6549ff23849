package dev.easel.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found from the root Maven passes in as {@code easel.repo.root}. */
final class Repo {

    private Repo() {
    }

    static Path path(String relative) {
        String root = System.getProperty("easel.repo.root");
        if (root == null) {
            throw new IllegalStateException("easel.repo.root is not set: run the tests through Maven");
        }
        return Path.of(root).resolve(relative).normalize();
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
