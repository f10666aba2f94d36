package dev.parley.search.internal;

import dev.parley.account.Caller;
import dev.parley.search.MessageSearch;
import dev.parley.search.SearchPage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/search")
@Tag(name = "Search")
@SecurityRequirement(name = "bearer")
class SearchController {
    private final MessageSearch search;

    SearchController(MessageSearch search) {
        this.search = search;
    }

    @GetMapping("/messages")
    @Operation(summary = "Search your messages (all conversations or one): newest first, with two entries of context each side")
    SearchPage messages(Caller caller, @RequestParam(required = false) String q, @RequestParam(required = false) Long conversationId,
                        @RequestParam(required = false) String cursor, @RequestParam(required = false) Integer limit) {
        return search.search(caller, q, conversationId, cursor, limit);
    }
}
