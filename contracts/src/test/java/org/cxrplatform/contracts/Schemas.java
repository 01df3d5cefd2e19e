package org.cxrplatform.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;

/** Validates JSON against the schemas shipped in contracts' resources. */
final class Schemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    static Set<ValidationMessage> validate(String schemaFile, JsonNode json) {
        InputStream in = Schemas.class.getResourceAsStream("/schemas/" + schemaFile);
        if (in == null) {
            throw new IllegalArgumentException("no schema " + schemaFile);
        }
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchema schema = FACTORY.getSchema(in, config);
        return schema.validate(json);
    }

    private Schemas() {}
}
