package dev.livegrid.http;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The body of every API error that is not a {@code rejected} op: a stable code and a sentence for people. */
@JsonbPropertyOrder({"code", "message"})
public record Problem(String code, String message) {
}
