package dev.fanout.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.persistence.Column;

import org.junit.jupiter.api.Test;

/**
 * The {@code users} columns are written in three places that must agree: the migration, the
 * entity's mapping and the literal SQL of {@link UserRepository} (literal, because
 * RepositoryScanTest refuses SQL built from strings). Plain JUnit over the migration file,
 * the entity's annotations and the statements: a column added to one and not the others fails here.
 */
class UserStatementsTest {

    private static final String MIGRATION = "/db/migration/V1__create_users.sql";
    /** Filled by the database itself, never by a caller. */
    private static final List<String> TABLE_OWN = List.of("id", "created_at", "updated_at");

    @Test
    void theEntityMapsExactlyTheMigrationsColumns() throws IOException {
        assertThat(entityColumns()).containsExactlyInAnyOrderElementsOf(migrationColumns());
    }

    @Test
    void theViewSelectsEveryColumnInTheMigrationsOrder() throws IOException {
        assertThat(listAfter(UserRepository.SELECT_VIEW, "SELECT ", " FROM")).containsExactlyElementsOf(migrationColumns());
    }

    @Test
    void theUpsertInsertsEveryColumnAndUpdatesAndComparesEveryCallerSetOne() throws IOException {
        List<String> callerSet = migrationColumns().stream().filter(column -> !TABLE_OWN.contains(column)).toList();

        assertThat(listAfter(UserRepository.UPSERT, "INSERT INTO users (", ")")).containsExactlyElementsOf(migrationColumns());
        assertThat(all(UserRepository.UPSERT, Pattern.compile("(\\w+) = EXCLUDED\\.\\1"))).containsExactlyElementsOf(callerSet);
        assertThat(listAfter(UserRepository.UPSERT, "WHEN (", ")"))
                .containsExactlyElementsOf(callerSet.stream().map(column -> "users." + column).toList());
        assertThat(listAfter(UserRepository.UPSERT, "IS DISTINCT FROM (", ")"))
                .containsExactlyElementsOf(callerSet.stream().map(column -> "EXCLUDED." + column).toList());
    }

    private static List<String> migrationColumns() throws IOException {
        try (InputStream in = UserStatementsTest.class.getResourceAsStream(MIGRATION)) {
            assertThat(in).as(MIGRATION).isNotNull();
            String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> columns = all(ddl, Pattern.compile("(?m)^\\s+(?!CONSTRAINT\\b)([a-z_]+)\\s+[a-z]"));
            assertThat(columns).as("columns read from " + MIGRATION).isNotEmpty();
            return columns;
        }
    }

    private static List<String> entityColumns() {
        return Arrays.stream(User.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers()))
                .map(UserStatementsTest::columnOf)
                .toList();
    }

    private static String columnOf(Field field) {
        Column column = field.getAnnotation(Column.class);
        return column == null || column.name().isEmpty() ? field.getName() : column.name();
    }

    private static List<String> listAfter(String sql, String start, String end) {
        int from = sql.indexOf(start);
        assertThat(from).as(start + " in " + sql).isNotNegative();
        int to = sql.indexOf(end, from + start.length());
        return Arrays.stream(sql.substring(from + start.length(), to).split(",")).map(String::trim).toList();
    }

    private static List<String> all(String text, Pattern pattern) {
        Matcher matcher = pattern.matcher(text);
        return matcher.results().map(result -> result.group(1)).toList();
    }
}
