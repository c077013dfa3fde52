/**
 * Adapters, one per internal (not public API) class of a dependency that the application
 * needs because no public API does the same. Each is the only place that names its internal,
 * and each has a plain JUnit test in the same package that fails when the internal changes:
 * after a Quarkus or Vert.x upgrade, a red test here names what to look at (README,
 * "Upgrading Quarkus"). This package knows no other package of the application.
 */
package dev.fanout.internals;
