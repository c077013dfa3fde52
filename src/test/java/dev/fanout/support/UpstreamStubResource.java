package dev.fanout.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the {@link UpstreamStub} before the application and points every REST client at it. */
public class UpstreamStubResource implements QuarkusTestResourceLifecycleManager {

    private UpstreamStub stub;

    @Override
    public Map<String, String> start() {
        stub = UpstreamStub.start();
        Map<String, String> config = new HashMap<>();
        for (String upstream : UpstreamStub.UPSTREAMS) {
            config.put("quarkus.rest-client." + upstream + ".url", stub.url(upstream));
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(stub, new TestInjector.AnnotatedAndMatchesType(InjectUpstreamStub.class, UpstreamStub.class));
    }

    @Override
    public void stop() {
        if (stub != null) {
            stub.close();
        }
    }
}
