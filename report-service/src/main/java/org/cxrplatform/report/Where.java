package org.cxrplatform.report;

import java.util.HashMap;
import java.util.Map;

/**
 * The WHERE clause of a list query with optional filters: a filter whose value is null is left out,
 * the others are bound by name ({@code Query.bindMap(where.args())}).
 */
public final class Where {

    private final StringBuilder sql = new StringBuilder(" WHERE true");
    private final Map<String, Object> args = new HashMap<>();

    /** {@code column = :column}, when {@code value} is not null. */
    public Where equal(String column, Object value) {
        return equal(column, column, value);
    }

    /** {@code expression = :name}, when {@code value} is not null. */
    public Where equal(String expression, String name, Object value) {
        if (value != null) {
            sql.append(" AND ").append(expression).append(" = :").append(name);
            args.put(name, value);
        }
        return this;
    }

    public Map<String, Object> args() {
        return args;
    }

    @Override
    public String toString() {
        return sql.toString();
    }
}
