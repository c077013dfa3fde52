package dev.fanout.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The {@code users} table of the embedded PostgreSQL, read directly (JDBC), for tests
 * that must see exactly what was written, and ids that no other test uses.
 */
public final class UsersTable {

    private static final String SEQUENCE = "pg_get_serial_sequence('users', 'id')";

    private UsersTable() {
    }

    /** A row as stored, every column. */
    public record Row(long id, String email, String displayName, String plan, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }

    /**
     * {@code count} consecutive ids drawn from the identity sequence itself, so that no user
     * that {@code POST /users} creates, in this test or a later one, can ever hold one.
     */
    public static List<Long> reserveIds(int count) {
        long last = queryLong("SELECT setval(" + SEQUENCE + ", nextval(" + SEQUENCE + ") + " + (count - 1) + ")");
        return LongStream.rangeClosed(last - count + 1, last).boxed().toList();
    }

    /** The id the identity sequence would hand out next, without drawing it. */
    public static long nextIdentityValue() {
        return queryLong("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM users_id_seq");
    }

    public static Map<Long, Row> rows(Collection<Long> ids) {
        Map<Long, Row> rows = new LinkedHashMap<>();
        try (Connection connection = connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id, email, display_name, plan, created_at, updated_at FROM users WHERE id = ANY (?) ORDER BY id")) {
            select.setArray(1, connection.createArrayOf("bigint", new ArrayList<>(ids).toArray()));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getLong(1), new Row(result.getLong(1), result.getString(2), result.getString(3),
                            result.getString(4), result.getObject(5, OffsetDateTime.class),
                            result.getObject(6, OffsetDateTime.class)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long queryLong(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + EmbeddedPostgresControl.port() + "/postgres",
                "postgres", "postgres");
    }
}
