package dev.easel.gateway;

import org.eclipse.microprofile.config.ConfigProvider;

/** The management interface of the gateway under test, where health and metrics answer. */
public final class ManagementPort {

    private ManagementPort() {
    }

    /** The address of {@code path} (such as {@code /q/health/ready}) on the management port. */
    public static String url(String path) {
        String base = ConfigProvider.getConfig().getValue("test.management.url", String.class);
        return base.replaceAll("/+$", "").replaceAll("/q$", "") + path;
    }
}
