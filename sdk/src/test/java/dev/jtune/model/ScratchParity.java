package dev.jtune.model;
import ai.djl.ndarray.*; import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.jtune.io.*; import dev.jtune.generate.*; import dev.jtune.tokenizer.*;
import java.nio.file.*; import java.util.*;
import com.google.gson.*;
public class ScratchParity {
  public static void main(String[] a) throws Exception {
    Path dir = Path.of("/work/shared/weights/stories260K-hf");
    LlamaConfig cfg = LlamaConfig.parse(Files.readString(dir.resolve("config.json")), "config.json");
    NDManager tmp = dev.jtune.engine.Engines.pytorch().newBaseManager();
    NDList list = NDList.decode(tmp, Files.readAllBytes(dir.resolve("model.safetensors")));
    Map<String,NDArray> byName = new HashMap<>(); for (NDArray x : list) byName.put(x.getName(), x);
    TensorSource src = new TensorSource(){ public Set<String> names(){return new TreeSet<>(byName.keySet());}
      public TensorInfo info(String n){return null;}
      public NDArray load(String n, NDManager m){ NDArray x=byName.get(n).duplicate(); x.attach(m); return x;}
      public void close(){} };
    LlamaModel model = LlamaModel.load(cfg, src, Device.cpu());
    HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve("tokenizer.json")).optAddSpecialTokens(true).build();
    Tokenizer tok = new Tokenizer(){
      public int[] encode(String t){ return Arrays.stream(hf.encode(t).getIds()).mapToInt(l->(int)l).toArray(); }
      public int[] encodeRaw(String t){ return Arrays.stream(hf.encode(t,false,false).getIds()).mapToInt(l->(int)l).toArray(); }
      public List<int[]> encodeBatch(List<String> t){ return t.stream().map(this::encode).toList(); }
      public String decode(int[] ids){ return hf.decode(Arrays.stream(ids).mapToLong(i->i).toArray(), true); }
      public int vocabSize(){return 512;} public SpecialTokens specialTokens(){return new SpecialTokens(1,List.of(2),-1);} public void close(){} };
    if (a.length>0) { int n=256; 
      for (int rep=0;rep<3;rep++){
      long t0=System.nanoTime(); long dec=0;
      try (KvCache cache = new KvCache(cfg,1,n+1,model.manager())) {
        for (int i=0;i<n;i++) { try (NDManager s=model.manager().newSubManager()) {
          NDArray in=s.create(new long[]{5}, new ai.djl.ndarray.types.Shape(1,1));
          NDArray pos=s.create(new long[]{i}, new ai.djl.ndarray.types.Shape(1,1));
          NDArray mask = a[0].equals("m") ? AttentionMask.causal(s,1,i,1,null) : null;
          NDArray h = model.hidden(in,pos,mask,cache); 
          long d0=System.nanoTime(); float[] f = model.logits(h.get(":, -1:, :")).toFloatArray(); dec+=System.nanoTime()-d0; }
        }
      }
      System.out.println("raw fwd tok/s " + n/((System.nanoTime()-t0)/1e9) + " logits ms " + dec/1e6);
      int[] ids=new int[n]; long d0=System.nanoTime(); for(int i=0;i<n;i++){ids[i]=400; tok.decode(Arrays.copyOf(ids,i+1));} System.out.println("decode ms "+(System.nanoTime()-d0)/1e6);
      }
      return; }
    JsonArray ref = JsonParser.parseString(Files.readString(dir.resolve("reference_greedy.json"))).getAsJsonArray();
    Generator gen = new Generator(model, tok);
    for (JsonElement e : ref) { JsonObject c = e.getAsJsonObject();
      int[] p = new com.google.gson.Gson().fromJson(c.get("prompt_token_ids"), int[].class);
      int[] out = new com.google.gson.Gson().fromJson(c.get("output_token_ids"), int[].class);
      System.out.println("enc " + Arrays.toString(tok.encode(c.get("prompt").getAsString())) + " ref " + Arrays.toString(p));
      for (boolean cache : new boolean[]{true,false}) {
      long t0=System.nanoTime();
      Generation g = gen.generateIds(List.of(p), SamplingParams.greedy(out.length - p.length).withCache(cache), null).get(0);
      double s=(System.nanoTime()-t0)/1e9;
      int[] all = new int[p.length+g.generatedIds().length]; System.arraycopy(p,0,all,0,p.length); System.arraycopy(g.generatedIds(),0,all,p.length,g.generatedIds().length);
      System.out.println("cache="+cache+" match=" + Arrays.equals(all, out) + " n=" + g.generatedIds().length + " tok/s=" + g.generatedIds().length/s);
      }
      try (NDManager s = model.manager().newSubManager()) {
        NDArray in = s.create(Arrays.stream(p).mapToLong(i->i).toArray(), new ai.djl.ndarray.types.Shape(1,p.length));
        float[] lg = model.forward(in, null, null, null).get("0, -1, :").toFloatArray();
        float[] rl = new com.google.gson.Gson().fromJson(c.get("last_prompt_position_logits"), float[].class);
        double md=0; for(int i=0;i<rl.length;i++) md=Math.max(md,Math.abs(rl[i]-lg[i]));
        System.out.println("max logit diff " + md);
      }
    }
    List<Generation> gs = gen.generate(List.of("Once upon a time", "Lily"), SamplingParams.greedy(30), null);
    for (Generation g: gs) System.out.println(g.finishReason()+" | "+g.text());
    System.out.println(gen.generate("Lily", SamplingParams.greedy(30)).text());
  }
}
