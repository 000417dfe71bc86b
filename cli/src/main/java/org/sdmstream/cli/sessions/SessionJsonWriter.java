package org.sdmstream.cli.sessions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Session;

/**
 * Writes sessions as JSON lines, one object per session: {@code
 * {"userId":..,"sessionId":..,"start":ms,"end":ms,"items":[..],"longTerm":[..]}} where {@code
 * longTerm} is the item ids of the session's long-term history, oldest first.
 */
final class SessionJsonWriter implements Closeable {

    private final Writer out;
    private final JsonGenerator json;

    SessionJsonWriter(Writer out) throws IOException {
        this.out = out;
        this.json = new JsonFactory().createGenerator(out);
        // No separator between root values: each object ends its own line below.
        json.setPrettyPrinter(new MinimalPrettyPrinter(""));
    }

    void write(Session session) throws IOException {
        json.writeStartObject();
        json.writeStringField("userId", session.userId());
        json.writeStringField("sessionId", session.sessionId());
        json.writeNumberField("start", session.start());
        json.writeNumberField("end", session.end());
        writeItems("items", session);
        json.writeArrayFieldStart("longTerm");
        for (Behavior b : session.history()) {
            json.writeString(b.itemId());
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void writeItems(String field, Session session) throws IOException {
        json.writeArrayFieldStart(field);
        for (Behavior b : session.clicks()) {
            json.writeString(b.itemId());
        }
        json.writeEndArray();
    }

    void flush() throws IOException {
        json.flush();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        json.close();
    }
}
