package dev.fanout.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.Test;

/**
 * The API Gateway routes in infra/locals.tf and the JAX-RS routes of the code are the same
 * set: a route the code serves but the gateway lacks is unreachable on AWS, and a gateway
 * route the code lacks is a 404 from a function. Not public API, on purpose: the Web
 * Adapter's pass-through paths ({@value #EVENTS}...) and the dev-mode simulators ({@value #DEV}...).
 */
class RouteParityTest {

    static final String EVENTS = "/events/";
    static final String DEV = "/_dev/";

    private static final Path LOCALS = Path.of("infra", "locals.tf");
    private static final Path CLASSES = Path.of("target", "classes");
    private static final String PACKAGE = "dev/fanout";
    private static final Pattern INFRA_ROUTE = Pattern.compile("\"((?:GET|POST|PUT|PATCH|DELETE) /[^\"]*)\"");
    /** {@code {id: \d+}} and {@code {id}} are the same parameter to a gateway. */
    private static final Pattern PATH_PARAM = Pattern.compile("\\{\\s*([A-Za-z0-9_]+)\\s*(?::[^}]*)?}");

    @Test
    void everyCodeRouteIsInInfraAndEveryInfraRouteIsInTheCode() throws IOException {
        Set<String> infra = infraRoutes();
        Set<String> code = codeRoutes();

        assertThat(infra).as("routes in %s", LOCALS).isNotEmpty();
        assertThat(code).as("JAX-RS routes under %s", CLASSES.resolve(PACKAGE)).isNotEmpty();
        assertThat(infra).as("routes the code serves but the gateway does not route (add them to %s)", LOCALS)
                .containsAll(code);
        assertThat(code).as("routes the gateway sends to a function that the code does not serve")
                .containsAll(infra);
    }

    @Test
    void passThroughRoutesExistInTheCodeButNotOnTheGateway() throws IOException {
        assertThat(allCodeRoutes()).contains("POST /events/sqs", "POST /events/migrate");
        assertThat(infraRoutes()).noneMatch(route -> route.contains(EVENTS));
    }

    static Set<String> infraRoutes() throws IOException {
        Matcher matcher = INFRA_ROUTE.matcher(Files.readString(LOCALS));
        Set<String> routes = new TreeSet<>();
        while (matcher.find()) {
            routes.add(normalised(matcher.group(1)));
        }
        return routes;
    }

    static Set<String> codeRoutes() throws IOException {
        Set<String> routes = new TreeSet<>(allCodeRoutes());
        routes.removeIf(route -> route.contains(" " + EVENTS) || route.contains(" " + DEV));
        return routes;
    }

    /** Every class under dev.fanout with a class-level {@code @Path}: its path, plus each method's path, per HTTP method. */
    static Set<String> allCodeRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(CLASSES.resolve(PACKAGE))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                Class<?> type = load(file);
                jakarta.ws.rs.Path classPath = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (classPath == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = httpMethodOf(method);
                    if (verb == null) {
                        continue;
                    }
                    jakarta.ws.rs.Path methodPath = method.getAnnotation(jakarta.ws.rs.Path.class);
                    String path = classPath.value() + (methodPath == null ? "" : "/" + methodPath.value());
                    routes.add(normalised(verb + " " + path));
                }
            }
        }
        return routes;
    }

    private static Class<?> load(Path file) {
        String name = CLASSES.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".").replaceAll("\\.class$", "");
        try {
            return Class.forName(name, false, RouteParityTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("cannot load " + name, e);
        }
    }

    private static String httpMethodOf(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod httpMethod = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (httpMethod != null) {
                return httpMethod.value();
            }
        }
        return null;
    }

    /** One slash between segments, none at the end, parameters as {@code {name}}. */
    static String normalised(String route) {
        int space = route.indexOf(' ');
        String path = PATH_PARAM.matcher(route.substring(space + 1)).replaceAll("{$1}").replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return route.substring(0, space) + " " + (path.startsWith("/") ? path : "/" + path);
    }
}
