package dev.livegrid.protocol;

import dev.livegrid.sheet.Op;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import jakarta.json.bind.annotation.JsonbTypeSerializer;

import java.util.List;
import java.util.Map;

/** Every message the server sends on {@code /sheets/{sheetId}} (see docs/PROTOCOL.md). Null fields are left out unless marked nillable. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "welcome", type = ServerMessage.Welcome.class),
        @JsonbSubtype(alias = "applied", type = ServerMessage.Applied.class),
        @JsonbSubtype(alias = "rejected", type = ServerMessage.Rejected.class),
        @JsonbSubtype(alias = "presence", type = ServerMessage.Presence.class),
        @JsonbSubtype(alias = "error", type = ServerMessage.Error.class),
        @JsonbSubtype(alias = "role", type = ServerMessage.RoleChanged.class),
        @JsonbSubtype(alias = "authenticated", type = ServerMessage.Authenticated.class)})
public sealed interface ServerMessage {

    /**
     * The state on join; on resume ({@code since} set) without columns and rows, followed by the
     * missed {@link Applied} messages. {@code incarnation} names this life of the sheet id: versions
     * of a sheet deleted and created again mean something else.
     */
    @JsonbPropertyOrder({"sheet", "incarnation", "version", "you", "role", "since", "columns", "rows", "users"})
    record Welcome(String sheet, String incarnation, long version, String you, String role, List<ColumnView> columns,
                   List<RowView> rows, List<User> users, Long since) implements ServerMessage {
    }

    /** The recipient's role on this sheet changed (an owner changed the access list, or a fresh token). */
    record RoleChanged(String role) implements ServerMessage {
    }

    /** A fresh token sent with {@code auth} was accepted: the connection now lasts until {@code expires}. */
    record Authenticated(String expires) implements ServerMessage {
    }

    /** An op applied at {@code version}; {@code skipped} lists versions this recipient will not get (coalesced). */
    @JsonbPropertyOrder({"version", "by", "id", "op", "skipped"})
    record Applied(long version, String by, String id, @JsonbTypeSerializer(OpSerializer.class) Op op,
                   List<Long> skipped) implements ServerMessage {
    }

    /**
     * An op that was not applied; sent to its author only. A {@code conflict} lists every cell that
     * changed since its base in {@code conflicts}, the first of them also as {@code current}.
     */
    @JsonbPropertyOrder({"id", "code", "message", "current", "conflicts"})
    record Rejected(String id, String code, String message, CurrentCell current, List<CurrentCell> conflicts)
            implements ServerMessage {
    }

    /**
     * What changed in who is here since the previous presence message (or the welcome's {@code users}),
     * per user: {@code joined} users (new, or renamed: replace by id), {@code moved} cursors, {@code left}
     * user ids. Empty lists are left out.
     */
    @JsonbPropertyOrder({"joined", "moved", "left"})
    record Presence(List<User> joined, List<Moved> moved, List<String> left) implements ServerMessage {
    }

    record Error(String code, String message) implements ServerMessage {
    }

    record ColumnView(String id, String name) {
    }

    @JsonbPropertyOrder({"id", "cells"})
    record RowView(String id, Map<String, CellView> cells) {
    }

    @JsonbPropertyOrder({"value", "version"})
    record CellView(@JsonbNillable String value, long version) {
    }

    @JsonbPropertyOrder({"row", "col", "value", "version"})
    record CurrentCell(String row, String col, @JsonbNillable String value, long version) {
    }

    /** A user in the sheet; {@code focus} is left out when the user is on no cell. */
    @JsonbPropertyOrder({"id", "name", "focus"})
    record User(String id, String name, Focus focus) {
    }

    /** A user's cursor moved; {@code focus} is written as null when it left every cell. */
    @JsonbTypeSerializer(MovedSerializer.class)
    record Moved(String id, Focus focus) {
    }

    @JsonbPropertyOrder({"row", "col"})
    record Focus(String row, String col) {
    }
}
