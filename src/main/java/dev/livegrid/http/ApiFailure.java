package dev.livegrid.http;

/** Ends the handling of a request with this response (an error); thrown inside the API only. */
final class ApiFailure extends Exception {

    private final transient ApiResponse response;

    ApiFailure(ApiResponse response) {
        super(response.body(), null, false, false);
        this.response = response;
    }

    static ApiFailure of(int status, String code, String message) {
        return new ApiFailure(ApiResponse.error(status, code, message));
    }

    ApiResponse response() {
        return response;
    }
}
