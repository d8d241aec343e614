// Lucene reference for bench/bm25/query-syntax-parity.ts: indexes "id<TAB>text"
// lines into one field "contents" with positions (EnglishAnalyzer, BM25), parses
// each "qid<TAB>query" line with the classic QueryParser (default operator OR,
// leading wildcards allowed)
// and writes "qid<TAB>docid<TAB>score<TAB>parsed query" for the top k, the score
// printed as the double of Lucene's float, so it reads back exactly. Then times
// ROUNDS passes over all the (already parsed) queries, after one warm-up pass,
// and prints {"queries": n, "seconds": s} on stdout.
// Build: javac -cp <lucene jars> -d <out> LuceneQueryParity.java
// Run:   java -cp <out>:<jars> LuceneQueryParity DOCS QUERIES K1 B K OUT ROUNDS
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public class LuceneQueryParity {
  public static void main(String[] args) throws Exception {
    Path docs = Paths.get(args[0]);
    Path queries = Paths.get(args[1]);
    BM25Similarity sim = new BM25Similarity(Float.parseFloat(args[2]), Float.parseFloat(args[3]));
    int k = Integer.parseInt(args[4]);
    Analyzer analyzer = new EnglishAnalyzer();
    Path dir = Files.createTempDirectory("lucene-parity");
    try (FSDirectory fs = FSDirectory.open(dir)) {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setSimilarity(sim).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
      try (IndexWriter w = new IndexWriter(fs, cfg); BufferedReader r = Files.newBufferedReader(docs, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          int tab = line.indexOf('\t');
          Document d = new Document();
          d.add(new StringField("id", line.substring(0, tab), Field.Store.YES));
          d.add(new TextField("contents", line.substring(tab + 1), Field.Store.NO));
          w.addDocument(d);
        }
        w.forceMerge(1);
        w.commit();
      }
      try (IndexReader reader = DirectoryReader.open(fs);
          BufferedReader qr = Files.newBufferedReader(queries, StandardCharsets.UTF_8);
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(Paths.get(args[5]), StandardCharsets.UTF_8))) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setSimilarity(sim);
        List<Query> parsed = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        String line;
        while ((line = qr.readLine()) != null) {
          int tab = line.indexOf('\t');
          String qid = line.substring(0, tab);
          QueryParser parser = new QueryParser("contents", analyzer);
          // Quarry reads leading wildcards ("*ology"), as Elasticsearch does by default
          parser.setAllowLeadingWildcard(true);
          Query q = parser.parse(line.substring(tab + 1));
          parsed.add(q);
          kinds.add(qid.substring(qid.indexOf('-') + 1));
          for (ScoreDoc sd : searcher.search(q, k).scoreDocs) {
            out.println(qid + "\t" + reader.document(sd.doc).get("id") + "\t" + (double) sd.score + "\t" + q);
          }
        }
        int rounds = Integer.parseInt(args[6]);
        long sink = 0;
        for (Query q : parsed) sink += searcher.search(q, k).scoreDocs.length;
        Map<String, Long> nanosByKind = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
          for (int i = 0; i < parsed.size(); i++) {
            long s0 = System.nanoTime();
            sink += searcher.search(parsed.get(i), k).scoreDocs.length;
            nanosByKind.merge(kinds.get(i), System.nanoTime() - s0, Long::sum);
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        StringBuilder byKind = new StringBuilder();
        for (Map.Entry<String, Long> e : nanosByKind.entrySet()) byKind.append(byKind.length() == 0 ? "" : ", ").append("\"" + e.getKey() + "\": " + e.getValue() / 1e9);
        System.out.println("{\"queries\": " + (long) parsed.size() * rounds + ", \"seconds\": " + seconds + ", \"sink\": " + sink + ", \"secondsByKind\": {" + byKind + "}}");
      }
    }
  }
}
