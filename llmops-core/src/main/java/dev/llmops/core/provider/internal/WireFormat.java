package dev.llmops.core.provider.internal;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.spi.ModelExchange;
import java.util.Map;

/**
 * What makes one provider on top of {@link HttpChatModel}: the request path and body, how a whole
 * answer is read, and the decoder of its event stream. Implementations are immutable and
 * thread-safe; one serves all calls of a model.
 */
public interface WireFormat {

  /** The path under the base URL requests go to, such as {@code /chat/completions}. */
  String path();

  /**
   * The JSON body for {@code request}.
   *
   * @throws dev.llmops.api.InvalidRequestException if a pass-through field is not JSON
   */
  byte[] requestBody(ChatRequest request, boolean streaming);

  /**
   * Reads a whole 2xx answer.
   *
   * @param headerMetadata what the response headers say ({@link ProviderHeaders#metadata})
   * @throws MalformedBody naming the field when the body is not a valid answer
   * @throws dev.llmops.api.LlmException for an error object inside a 2xx body
   */
  ChatResponse parse(ChatRequest request, byte[] body, Map<String, String> headerMetadata);

  /** A decoder for one stream of server-sent events. */
  StreamDecoder decoder(ChatRequest request, ModelExchange exchange, Map<String, String> headerMetadata);

  /**
   * A 2xx body that is not a valid answer; {@link HttpChatModel} turns it into a {@link
   * dev.llmops.api.MalformedResponseException} with the provider, model and headers. The message
   * names the field or the position, never the body's text.
   */
  final class MalformedBody extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A problem described by {@code what}, such as {@code choices[0].finish_reason is missing}. */
    public MalformedBody(String what) {
      super(what, null, false, false);
    }
  }
}
