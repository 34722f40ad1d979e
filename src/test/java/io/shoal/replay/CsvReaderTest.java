package io.shoal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static List<CsvRecord> readAll(String text) throws IOException {
        List<CsvRecord> records = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new StringReader(text))) {
            for (CsvRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
        }
        return records;
    }

    @Test
    void quotedFieldsKeepCommasAndDoubledQuotes() throws IOException {
        List<CsvRecord> records = readAll("a,b,c\r\n"
                + "536381,\"AIRLINE LOUNGE,METAL SIGN\",2\r\n"
                + "536477,\"RECORD FRAME 7\"\" SINGLE SIZE \",48\r\n");

        assertThat(records).extracting(CsvRecord::fields).containsExactly(
                List.of("a", "b", "c"),
                List.of("536381", "AIRLINE LOUNGE,METAL SIGN", "2"),
                List.of("536477", "RECORD FRAME 7\" SINGLE SIZE ", "48"));
        assertThat(records.get(2).raw()).isEqualTo("536477,\"RECORD FRAME 7\"\" SINGLE SIZE \",48");
    }

    @Test
    void lineNumbersCountPhysicalLinesIncludingBreaksInsideQuotes() throws IOException {
        List<CsvRecord> records = readAll("\uFEFFh1,h2\n\"two\nlines\",x\n\nlast,\"\"\n");

        assertThat(records).extracting(CsvRecord::lineNumber).containsExactly(1L, 2L, 5L);
        assertThat(records.get(0).fields()).containsExactly("h1", "h2");
        assertThat(records.get(1).fields()).containsExactly("two\nlines", "x");
        assertThat(records.get(2).fields()).containsExactly("last", "");
    }

    @Test
    void emptyFieldsAndAMissingFinalNewline() throws IOException {
        List<CsvRecord> records = readAll("536414,22139,,56,,");

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.fields()).containsExactly("536414", "22139", "", "56", "", "");
            assertThat(r.field(9)).isEmpty();
        });
    }

    @Test
    void anUnterminatedQuoteNamesTheLine() {
        assertThatThrownBy(() -> readAll("a,b\n1,\"open\n2,3\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2");
    }
}
