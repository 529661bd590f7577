package dev.jtune.data.io;

import com.google.gson.JsonObject;

import java.util.List;

/**
 * Turns one JSON record into data records: usually one, several for formats that expand (ranked responses).
 *
 * @param <T> the data record type
 */
@FunctionalInterface
public interface RecordDecoder<T> {

    /**
     * Decodes one record.
     *
     * @throws dev.jtune.data.MalformedRecordException without a location, when the record is malformed
     */
    List<T> decode(JsonObject record);
}
