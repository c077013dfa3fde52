package dev.fanout.support;

import java.util.HashMap;
import java.util.Map;

import dev.fanout.local.UpstreamStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the {@link UpstreamStandIn} before the application and points every upstream client at it. */
public class UpstreamStandInResource implements QuarkusTestResourceLifecycleManager {

    private UpstreamStandIn stub;

    @Override
    public Map<String, String> start() {
        stub = UpstreamStandIn.start();
        Map<String, String> config = new HashMap<>();
        for (String upstream : UpstreamStandIn.UPSTREAMS) {
            config.put(UpstreamUrls.configKey(upstream), stub.url(upstream));
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(stub, new TestInjector.AnnotatedAndMatchesType(InjectUpstreamStandIn.class, UpstreamStandIn.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.close();
        }
    }
}
