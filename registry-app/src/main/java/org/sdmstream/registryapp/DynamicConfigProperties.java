package org.sdmstream.registryapp;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * The bean that Apicurio's config-index extension generates at build time, listing the properties
 * an administrator may change at run time. That extension's build half is not on Maven Central, so
 * the registry runs without it, and without run-time changes: every property keeps the value it
 * starts with, which is all the tests and the demo need.
 */
@ApplicationScoped
public class DynamicConfigProperties {

    @Produces
    @ApplicationScoped
    DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(List.of());
    }
}
