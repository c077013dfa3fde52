package dev.fanout.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.fanout.local.UpstreamStandIn;

/** Marks the test field that receives the running {@link UpstreamStandIn}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectUpstreamStandIn {
}
