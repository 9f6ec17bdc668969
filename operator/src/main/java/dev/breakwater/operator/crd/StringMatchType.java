package dev.breakwater.operator.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a header or query-parameter value is compared. */
public enum StringMatchType {
    @JsonProperty("Exact") EXACT,
    @JsonProperty("RegularExpression") REGULAR_EXPRESSION
}
