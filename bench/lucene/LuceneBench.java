// Lucene baseline for bench/bm25 (issue: BM25 query speed at or above Lucene).
// Indexes "id<TAB>text" lines, force-merges to one segment, then times top-k
// BM25 queries with Lucene's default approximate hit counting (block-max
// WAND/MaxScore pruning): each query analyzed and searched inside the timed
// loop, ids looked up after it, as bench/bm25/engine.ts times Quarry.
// Prints one JSON object on stdout.
// Build: javac -cp <lucene jars> -d <out> LuceneBench.java
// Run:   java -cp <out>:<jars> LuceneBench DOCS QUERY_FILES(comma-separated) ANALYZER K1 B KS BUDGET_S TOP_OUT [positions|freqs]
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public class LuceneBench {
  static final int WARM_PASSES = 3;
  static final double MIN_SECONDS = 2;
  static final int MIN_ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    Path docs = Paths.get(args[0]);
    String[] queryFiles = args[1].split(",");
    Analyzer analyzer = args[2].equals("english") ? new EnglishAnalyzer() : new WhitespaceAnalyzer();
    float k1 = Float.parseFloat(args[3]);
    float b = Float.parseFloat(args[4]);
    String[] ks = args[5].split(",");
    double budget = Double.parseDouble(args[6]);
    String topOut = args[7];
    BM25Similarity sim = new BM25Similarity(k1, b);

    Path dir = Files.createTempDirectory("lucene-bench");
    long t0 = System.nanoTime();
    int count = 0;
    try (FSDirectory fs = FSDirectory.open(dir)) {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setSimilarity(sim).setRAMBufferSizeMB(1024).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      try (IndexWriter w = new IndexWriter(fs, cfg); BufferedReader r = Files.newBufferedReader(docs, StandardCharsets.UTF_8)) {
        FieldType idType = new FieldType(StringField.TYPE_STORED);
        FieldType textType = new FieldType();
        // like Quarry's text fields, positions unless told "freqs" (bench/bm25 --positions off)
        textType.setIndexOptions(args.length > 8 && args[8].equals("freqs") ? IndexOptions.DOCS_AND_FREQS : IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        textType.setTokenized(true);
        textType.freeze();
        String line;
        while ((line = r.readLine()) != null) {
          int tab = line.indexOf('\t');
          Document d = new Document();
          d.add(new Field("id", line.substring(0, tab), idType));
          d.add(new Field("contents", line.substring(tab + 1), textType));
          w.addDocument(d);
          count++;
        }
        w.forceMerge(1);
        w.commit();
      }
      double buildSeconds = (System.nanoTime() - t0) / 1e9;
      long bytes = 0;
      for (String f : fs.listAll()) bytes += fs.fileLength(f);

      StringBuilder timings = new StringBuilder();
      StringBuilder tops = new StringBuilder("{");
      try (DirectoryReader reader = DirectoryReader.open(fs)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(sim);
        for (int f = 0; f < queryFiles.length; f++) {
          List<String> texts = Files.readAllLines(Paths.get(queryFiles[f]), StandardCharsets.UTF_8);
          for (String kText : ks) {
            int k = Integer.parseInt(kText);
            // Same protocol as bench/bm25/engine.ts: analysis and the top k inside the timed loop, ids
            // looked up after it; WARM_PASSES warm-up passes (at most a fifth of the budget); whole
            // passes timed as rounds until MIN_SECONDS and MIN_ROUNDS are reached or the budget is spent.
            long warm = System.nanoTime();
            warmup:
            for (int p = 0; p < WARM_PASSES; p++)
              for (String t : texts) {
                searcher.search(bagOfWords(analyzer, t), k);
                if ((System.nanoTime() - warm) / 1e9 > budget / 5) break warmup;
              }
            List<Double> rounds = new ArrayList<>();
            int n = 0;
            double secs = 0;
            while (secs < budget && (secs < MIN_SECONDS || rounds.size() < MIN_ROUNDS)) {
              long start = System.nanoTime();
              int inRound = 0;
              for (String t : texts) {
                searcher.search(bagOfWords(analyzer, t), k);
                inRound++;
                if (secs + (System.nanoTime() - start) / 1e9 > budget) break;
              }
              double s = (System.nanoTime() - start) / 1e9;
              rounds.add(inRound / s);
              n += inRound;
              secs += s;
            }
            if (k == 10) {
              for (int i = 0; i < texts.size(); i++) {
                TopDocs top = searcher.search(bagOfWords(analyzer, texts.get(i)), k);
                tops.append(tops.length() > 1 ? "," : "").append('"').append(f).append(':').append(i).append("\":[");
                for (int j = 0; j < top.scoreDocs.length; j++) {
                  if (j > 0) tops.append(',');
                  tops.append('"').append(searcher.doc(top.scoreDocs[j].doc).get("id")).append('"');
                }
                tops.append(']');
              }
            }
            StringBuilder rs = new StringBuilder();
            for (double r : rounds) rs.append(rs.length() > 0 ? "," : "").append(String.format(Locale.ROOT, "%.3f", r));
            timings.append(timings.length() > 0 ? "," : "").append(String.format(Locale.ROOT, "{\"file\":%d,\"k\":%d,\"queries\":%d,\"seconds\":%.6f,\"qps\":%.3f,\"rounds\":[%s]}", f, k, n, secs, n / secs, rs));
          }
        }
      }
      tops.append('}');
      Files.write(Paths.get(topOut), tops.toString().getBytes(StandardCharsets.UTF_8));
      System.out.println(String.format(Locale.ROOT, "{\"engine\":\"lucene\",\"docs\":%d,\"buildSeconds\":%.3f,\"indexBytes\":%d,\"timings\":[%s]}", count, buildSeconds, bytes, timings));
    } finally {
      try (var walk = Files.walk(dir)) { walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
  }

  /** One SHOULD clause per distinct analyzed term, boosted by its count (Anserini's bag of words). */
  static Query bagOfWords(Analyzer analyzer, String text) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    try (TokenStream ts = analyzer.tokenStream("contents", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) counts.merge(term.toString(), 1, Integer::sum);
      ts.end();
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      Query tq = new TermQuery(new Term("contents", e.getKey()));
      b.add(e.getValue() == 1 ? tq : new BoostQuery(tq, e.getValue()), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }
}
