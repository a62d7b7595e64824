/**
 * What the Python extractor knows about calls: constructors whose keywords are settings, the
 * positional parameters worth reading, search-domain helpers, and calls that use a trained model.
 */

/** Constructors whose keyword arguments are settings (`ClassName.kwarg`). Lower-case names. */
export const KNOWN_CALLS = new Set([
  'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam', 'radam', 'lbfgs', 'lion', 'adafactor', 'lamb', 'sparseadam', 'adamw8bit',
  'steplr', 'multisteplr', 'exponentiallr', 'cosineannealinglr', 'cosineannealingwarmrestarts', 'reducelronplateau', 'onecyclelr', 'linearlr', 'cycliclr', 'polynomiallr', 'constantlr',
  'get_linear_schedule_with_warmup', 'get_cosine_schedule_with_warmup', 'get_scheduler', 'cosinedecay', 'exponentialdecay', 'piecewiseconstantdecay',
  'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alphadropout', 'lstm', 'gru', 'rnn', 'transformer', 'transformerencoderlayer', 'transformerdecoderlayer', 'multiheadattention', 'embedding', 'conv1d', 'conv2d', 'conv3d', 'batchnorm1d', 'batchnorm2d', 'layernorm', 'dense', 'spatialdropout1d', 'spatialdropout2d', 'bidirectional',
  'dataloader', 'trainingarguments', 'seq2seqtrainingarguments', 'sftconfig', 'dpoconfig', 'grpoconfig', 'ppoconfig', 'rewardconfig', 'loraconfig', 'prefixtuningconfig', 'ia3config',
  'trainer', 'earlystopping', 'reducelronplateau', 'modelcheckpoint', 'compile', 'fit', 'train_test_split',
  'xgbclassifier', 'xgbregressor', 'xgbranker', 'xgbrfclassifier', 'lgbmclassifier', 'lgbmregressor', 'lgbmranker', 'catboostclassifier', 'catboostregressor', 'catboost',
  'svc', 'svr', 'nusvc', 'linearsvc', 'logisticregression', 'randomforestclassifier', 'randomforestregressor', 'gradientboostingclassifier', 'gradientboostingregressor', 'histgradientboostingclassifier', 'histgradientboostingregressor',
  'kneighborsclassifier', 'kneighborsregressor', 'kmeans', 'minibatchkmeans', 'dbscan', 'ridge', 'lasso', 'elasticnet', 'sgdclassifier', 'sgdregressor', 'mlpclassifier', 'mlpregressor', 'pca', 'tsne', 'tfidfvectorizer', 'countvectorizer',
  'resnet', 'decisiontreeclassifier', 'decisiontreeregressor', 'extratreesclassifier', 'extratreesregressor', 'gaussianmixture', 'adaboostclassifier',
  'ppo', 'a2c', 'dqn', 'sac', 'td3', 'ddpg', 'trpo', 'recurrentppo', 'randomresizedcrop', 'randomerasing', 'colorjitter', 'randomhorizontalflip', 'randaugment', 'randomrotation', 'randomzoom', 'randomflip', 'crossentropyloss', 'yolo', 'train',
]);

/** Positional parameters worth reading, per constructor. */
export const POSITIONAL: Record<string, readonly string[]> = {
  sgd: ['params', 'lr'], adam: ['params', 'lr'], adamw: ['params', 'lr'], rmsprop: ['params', 'lr'], adagrad: ['params', 'lr'],
  steplr: ['optimizer', 'step_size', 'gamma'], multisteplr: ['optimizer', 'milestones', 'gamma'], exponentiallr: ['optimizer', 'gamma'], cosineannealinglr: ['optimizer', 't_max', 'eta_min'],
  dropout: ['p'], dropout1d: ['p'], dropout2d: ['p'], dropout3d: ['p'], alphadropout: ['p'], spatialdropout1d: ['rate'], spatialdropout2d: ['rate'],
  lstm: ['input_size', 'hidden_size', 'num_layers'], gru: ['input_size', 'hidden_size', 'num_layers'], embedding: ['num_embeddings', 'embedding_dim'],
  conv1d: ['in_channels', 'out_channels', 'kernel_size'], conv2d: ['in_channels', 'out_channels', 'kernel_size'], multiheadattention: ['embed_dim', 'num_heads'],
  transformerencoderlayer: ['d_model', 'nhead', 'dim_feedforward', 'dropout'], kneighborsclassifier: ['n_neighbors'], kneighborsregressor: ['n_neighbors'], kmeans: ['n_clusters'], pca: ['n_components'],
};

export const KERAS_POSITIONAL: Record<string, readonly string[]> = { dense: ['units'], dropout: ['rate'], conv2d: ['filters', 'kernel_size'], conv1d: ['filters', 'kernel_size'], lstm: ['units'], gru: ['units'], embedding: ['input_dim', 'output_dim'] };

/** Keras Tuner / hyperopt domains that carry their own name as first argument. */
export const NAMED_DOMAIN = /^hp\.(Float|Int|Choice|Boolean|uniform|loguniform|quniform|qloguniform|choice|randint|normal)$/;

export const SEARCH_KWARGS = new Set(['config', 'param_space', 'search_space', 'param_grid', 'param_distributions']);

/**
 * Calls that use or write out a trained model: their keywords (`predict(num_iteration=7)`,
 * `export_onnx(batch_size=1)`, `generate(temperature=1.0)`) choose how it is used, not how it is trained.
 */
export const MODEL_USE_CALL = /^(predict(_proba|_log_proba)?|decision_function|evaluate|score|generate|export\w*|save\w*|to_onnx|inference|infer)$/;

/** The library a constructor belongs to, when its name says so (an XGBClassifier in a torch script). */
export function frameworkOfClass(lower: string): string | undefined {
  if (/^xgb/.test(lower)) return 'xgboost';
  if (/^lgbm/.test(lower)) return 'lightgbm';
  if (/^catboost/.test(lower)) return 'catboost';
  if (/^(ppo|a2c|dqn|sac|td3|ddpg|trpo|recurrentppo)$/.test(lower)) return 'sb3';
  if (/^(trainingarguments|seq2seqtrainingarguments|sftconfig|dpoconfig|grpoconfig|ppoconfig|rewardconfig|loraconfig)$/.test(lower)) return 'hf';
  if (/^(svc|svr|nusvc|linearsvc|logisticregression|randomforest|gradientboosting|histgradientboosting|kneighbors|kmeans|minibatchkmeans|dbscan|ridge|lasso|elasticnet|sgdclassifier|sgdregressor|mlp|pca|tsne|tfidfvectorizer|countvectorizer|decisiontree|extratrees|gaussianmixture|adaboost|train_test_split)/.test(lower)) return 'sklearn';
  return undefined;
}

/** Dataclasses that hold a run's results or state, not its settings (`TrainerState`, `EvalResults` …). */
export const RUN_STATE_CLASS = /(State|Result|Results|Metrics|Output|Outputs|Record|Stats)$/;
/** Variable names of scikit-learn-style search grids (`param_grid = {…}`). */
export const GRID_VARS = /^(param_grid|param_grids|param_dist|param_distributions|tuned_parameters|parameters|params_grid|grid|search_space|space|hyperparameter_grid|hparams_grid)$/i;
