package org.infnet.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Prints a cohort table as CSV, sorted by id, for comparing runs: {@code TableCsv OUTPUT [--all]}. Without
 * {@code --all} the columns that differ between two runs of the same cohort by design are left out
 * ({@code seconds}, {@code reused}, and {@code outputs}, whose paths name the output folder).
 */
public final class TableCsv {

    private TableCsv() {}

    /** Prints the table; see the class comment. */
    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("table-csv")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            var t = spark.read().parquet(args[0] + "/table");
            boolean all = args.length > 1 && args[1].equals("--all");
            List<Column> cols = new ArrayList<>();
            for (String c : t.columns()) {
                if (all || !Set.of("seconds", "reused", "outputs").contains(c)) {
                    cols.add(c.equals("outputs") ? functions.concat_ws(";", functions.col(c)).as(c) : functions.col(c));
                }
            }
            var sel = t.select(cols.toArray(Column[]::new)).orderBy("id");
            System.out.println(String.join(",", sel.columns()));
            for (Row r : sel.collectAsList()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < r.length(); i++) {
                    sb.append(i > 0 ? "," : "").append(r.isNullAt(i) ? "" : String.valueOf(r.get(i)));
                }
                System.out.println(sb);
            }
        } finally {
            spark.stop();
        }
    }
}
