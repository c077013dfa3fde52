package dev.fanout.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Two promises checked on the source itself, so that a change that breaks one fails the build.
 *
 * <p><b>No secret in the repository.</b> Every tracked file ({@code git ls-files}; the working
 * tree without {@code target/} when there is no git) is searched for AWS access key ids
 * ({@code AKIA}/{@code ASIA} + 16), AWS secret keys assigned to a name, private key blocks, and
 * a literal assigned to a name that ends in password, secret, secret key, API key or access
 * token ({@code ==} comparisons and names such as {@code secret_arn} are not assignments of
 * a secret). The vendored Maven wrapper is skipped. A literal is allowed only
 * where it is not a secret: {@code true}/{@code false}/{@code null}, an empty value, a
 * reference ({@code ${...}}, {@code var.}, {@code local.}, {@code aws_...}, an environment
 * variable), and, under {@code src/test/} and {@code dev.fanout.local} only, {@code postgres}:
 * the embedded dev/test database's well-known default, which exists only on loopback.
 *
 * <p><b>SQL only through parameters.</b> In {@code src/main/java}: no SQL string literal is
 * joined with {@code +} to anything but another literal, no SQL goes through
 * {@code String.format}/{@code formatted}, and the Vert.x pool is only ever called with
 * {@code preparedQuery(CONSTANT)} (never {@code query(...)}, which takes no parameters).
 */
class RepositoryScanTest {

    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b");
    private static final Pattern AWS_SECRET = Pattern.compile("(?i)aws_secret_access_key\\s*[=:]\\s*[\"']?[A-Za-z0-9/+]{40}");
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)(?<![:/a-z0-9_.-])[a-z0-9_.-]*(password|passwd|secret|secret[_-]?key|api[_-]?key|access[_-]?token)\\s*(?:=|:)(?![=:])\\s*[\"']?([^\\s\"'`,;)}]*)");
    /** The vendored Maven wrapper only reads MVNW_PASSWORD from the environment. */
    private static final Set<String> VENDORED = Set.of("mvnw", "mvnw.cmd");
    private static final Set<String> HARMLESS_VALUES = Set.of("", "true", "false", "null", "none", "{", "(", "[", "<");
    private static final String EMBEDDED_DEFAULT = "postgres";

    private static final String SQL_WORD = "(?i:\\b(select|insert\\s+into|update\\s+\\w+\\s+set|delete\\s+from|where|values)\\b)";
    private static final Pattern SQL_LITERAL_THEN_PLUS = Pattern.compile("\"[^\"\\n]*" + SQL_WORD + "[^\"\\n]*\"\\s*+\\+\\s*+(?!\")");
    private static final Pattern PLUS_THEN_SQL_LITERAL = Pattern.compile("(?<!\")\\s\\+\\s*\"[^\"\\n]*" + SQL_WORD + "[^\"\\n]*\"");
    private static final Pattern SQL_FORMAT = Pattern.compile("(String\\.format\\(\\s*\"[^\"\\n]*" + SQL_WORD + ")|(\"[^\"\\n]*"
            + SQL_WORD + "[^\"\\n]*\"\\s*\\.formatted\\()");
    /**
     * {@code sql} alone is a statement forwarded unchanged by a pool that delegates
     * (database.ReopenablePgPool); it is scanned where its caller writes it.
     */
    private static final String FORWARDED = "sql";
    private static final Pattern UNPREPARED_QUERY = Pattern.compile("\\.query\\((?!" + FORWARDED + "\\))");
    private static final Pattern PREPARED_QUERY = Pattern.compile("\\.preparedQuery\\(\\s*([^)]*)\\)");

    @Test
    void noSecretInAnyTrackedFile() throws Exception {
        List<String> found = new ArrayList<>();
        for (Path file : trackedFiles()) {
            String text = read(file);
            if (text == null) {
                continue;
            }
            String name = file.toString().replace('\\', '/');
            if (VENDORED.contains(name)) {
                continue;
            }
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                String where = name + ":" + (i + 1);
                for (Pattern always : List.of(AWS_KEY_ID, AWS_SECRET, PRIVATE_KEY)) {
                    if (always.matcher(line).find()) {
                        found.add(where + " matches " + always.pattern());
                    }
                }
                Matcher assignment = SECRET_ASSIGNMENT.matcher(line);
                while (assignment.find()) {
                    if (!isHarmless(name, assignment.group(2))) {
                        found.add(where + " assigns a literal to '" + assignment.group().trim() + "'");
                    }
                }
            }
        }
        assertThat(found).as("secrets in the repository").isEmpty();
    }

    @Test
    void sqlIsOnlyEverParameterised() throws Exception {
        List<String> found = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(Path.of("src", "main", "java"))) {
            sources = walk.filter(path -> path.toString().endsWith(".java")).toList();
        }
        assertThat(sources).isNotEmpty();
        for (Path source : sources) {
            String text = Files.readString(source);
            for (Pattern concatenation : List.of(SQL_LITERAL_THEN_PLUS, PLUS_THEN_SQL_LITERAL, SQL_FORMAT, UNPREPARED_QUERY)) {
                Matcher matcher = concatenation.matcher(text);
                while (matcher.find()) {
                    found.add(source + ": " + matcher.group().trim());
                }
            }
            Matcher prepared = PREPARED_QUERY.matcher(text);
            while (prepared.find()) {
                if (!prepared.group(1).trim().matches("[A-Z][A-Z0-9_]*|" + FORWARDED + "(,\\s*options)?")) {
                    found.add(source + ": preparedQuery with a non-constant statement: " + prepared.group());
                }
            }
        }
        assertThat(found).as("SQL built from values instead of parameters").isEmpty();
    }

    /** The scan's own rules catch what they claim to, so that a green run means something. */
    @Test
    void theRulesCatchWhatTheyClaim() {
        assertThat(AWS_KEY_ID.matcher("key = AKIA" + "ABCDEFGHIJKLMNOP").find()).isTrue();
        assertThat(PRIVATE_KEY.matcher("-----BEGIN RSA " + "PRIVATE KEY-----").find()).isTrue();
        Matcher assignment = SECRET_ASSIGNMENT.matcher("quarkus.datasource.pass" + "word=hunter2");
        assertThat(assignment.find() && !isHarmless("src/main/resources/application.properties", assignment.group(2))).isTrue();
        assertThat(SQL_LITERAL_THEN_PLUS.matcher("\"SELECT * FROM users WHERE id = \" + id").find()).isTrue();
        assertThat(PLUS_THEN_SQL_LITERAL.matcher("base + \" WHERE email = '\" + email").find()).isTrue();
        assertThat(SQL_FORMAT.matcher("String.format(\"DELETE FROM users WHERE id = %d\", id)").find()).isTrue();
        assertThat(UNPREPARED_QUERY.matcher("pool.query(\"SELECT 1\")").find()).isTrue();
        assertThat(UNPREPARED_QUERY.matcher("return used().query(sql);").find()).isFalse();
        assertThat(SQL_LITERAL_THEN_PLUS.matcher("\"SELECT 1 \" + \"FROM users\"").find()).isFalse();
    }

    private static boolean isHarmless(String file, String value) {
        String v = value.trim();
        if (HARMLESS_VALUES.contains(v.toLowerCase()) || v.startsWith("$") || v.startsWith("var.") || v.startsWith("local.")
                || v.startsWith("aws_") || v.startsWith("data.") || v.startsWith("module.") || v.matches("[A-Z][A-Z0-9_]*")
                || v.matches("[A-Za-z_][A-Za-z0-9_.]*[(\\[].*") || v.startsWith("<") || v.startsWith("\\") || v.startsWith("[") || v.startsWith("{")) {
            return true; // a reference, a constant's name, a call, an element or a placeholder: not a value
        }
        boolean embeddedDatabase = file.startsWith("src/test/") || file.contains("/dev/fanout/local/");
        return embeddedDatabase && v.equals(EMBEDDED_DEFAULT);
    }

    private static List<Path> trackedFiles() throws IOException, InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "-z").redirectErrorStream(false).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0) {
                List<Path> files = new ArrayList<>();
                for (String name : new String(out, StandardCharsets.UTF_8).split("\0")) {
                    if (!name.isEmpty() && Files.isRegularFile(Path.of(name))) {
                        files.add(Path.of(name));
                    }
                }
                return files;
            }
        } catch (IOException noGit) {
            // fall through to the working tree
        }
        try (Stream<Path> walk = Files.walk(Path.of("."))) {
            return walk.filter(Files::isRegularFile)
                    .map(path -> Path.of(".").relativize(path))
                    .filter(path -> !path.startsWith("target") && !path.startsWith(".git"))
                    .toList();
        }
    }

    /** The text of a file, or null for a binary one. */
    private static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < Math.min(bytes.length, 8000); i++) {
            if (bytes[i] == 0) {
                return null;
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
